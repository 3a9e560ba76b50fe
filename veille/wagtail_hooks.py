"""The watch in the admin: funders and themes, kept by the facilitators, in one menu.

Calls are pages (under the watch, or under the structure that publishes them); the structures'
editors choose among these funders and themes in the call's form without managing them.
"""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from veille.models import Funder, Theme


class FunderViewSet(SnippetViewSet):
    model = Funder
    icon = "site"
    menu_label = _("Financeurs")
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["name"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Thèmes")
    list_display = ["name", "slug"]


class VeilleViewSetGroup(SnippetViewSetGroup):
    items = (FunderViewSet, ThemeViewSet)
    menu_icon = "doc-full"
    menu_label = _("Veille financements")
    menu_name = "veille"


register_snippet(VeilleViewSetGroup)
