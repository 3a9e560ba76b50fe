"""The wiki in the admin: its themes, and the actions kept to facilitators.

Participants publish resources directly (wiki style). Wagtail lets whoever may publish also
unpublish, move and delete: each route that does so asks these hooks first, and a refusal is
a redirect with a message rather than a bare 403, so the person knows who to ask.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ressources.models import Theme
from ressources.rights import is_in_wiki, may_withdraw

WITHDRAWING_BULK_ACTIONS = {"delete", "unpublish", "move"}


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Thèmes des ressources")
    add_to_admin_menu = True
    list_display = ["name", "slug"]


register_snippet(ThemeViewSet)


def _refuse(request, page):
    messages.error(
        request,
        _(
            "Seule l'équipe d'animation peut dépublier, déplacer ou supprimer une ressource : "
            "écrivez-lui si « %(title)s » doit l'être."
        )
        % {"title": page.get_admin_display_title()},
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk if page.depth > 1 else page.pk)


def _guard(request, page):
    if is_in_wiki(page) and not may_withdraw(request.user):
        return _refuse(request, page)
    return None


@hooks.register("before_unpublish_page")
def keep_unpublishing_to_facilitators(request, page):
    return _guard(request, page)


@hooks.register("before_delete_page")
def keep_deleting_to_facilitators(request, page):
    return _guard(request, page)


@hooks.register("before_move_page")
def keep_moving_to_facilitators(request, page, destination):
    return _guard(request, page)


@hooks.register("before_bulk_action")
def keep_bulk_withdrawals_to_facilitators(request, action_type, objects, action_view):
    if action_type not in WITHDRAWING_BULK_ACTIONS:
        return None
    for page in objects:
        refused = _guard(request, page) if isinstance(page, Page) else None
        if refused is not None:
            return refused
    return None
