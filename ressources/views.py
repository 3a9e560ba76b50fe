"""The wiki's pages: the context their page models hand to their templates."""

from django import forms
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ressources import discussion, following, history, selectors
from ressources.models import Kind, RessourceIndexPage, RessourcePage, Theme
from ressources.rights import may_add_under, may_edit
from website.page_cache import memoize
from website.queries import without_restricted


class RessourceFilters(forms.Form):
    theme = forms.ModelChoiceField(
        Theme.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Thème"),
        empty_label=_("Tous les thèmes"),
        error_messages={"invalid_choice": _("Ce thème n'existe pas.")},
    )
    type = forms.ChoiceField(
        choices=[("", _("Tous les types")), *Kind.choices],
        required=False,
        label=_("Type"),
        error_messages={"invalid_choice": _("Ce type de ressource n'existe pas.")},
    )
    mot_cle = forms.SlugField(
        max_length=100,
        required=False,
        label=_("Mot-clé"),
        error_messages={"invalid": _("Ce mot-clé n'est pas valide.")},
    )


def _add_url(user, parent) -> str:
    if not may_add_under(user, parent):
        return ""
    return reverse("wagtailadmin_pages:add", args=["ressources", "ressourcepage", parent.pk])


def wiki_home_context(index: RessourceIndexPage, request) -> dict:
    filters = RessourceFilters(request.GET)
    ressources = selectors.published_ressources()
    if filters.is_valid():
        data = filters.cleaned_data
        ressources = selectors.filtered(
            ressources, theme=data["theme"], tag=data["mot_cle"], kind=data["type"]
        )
    else:
        ressources = ressources.none()
    paginator = Paginator(ressources, index.per_page)
    return {
        "filters": filters,
        "filtered": any(request.GET.get(name) for name in filters.fields),
        "ressources": paginator.get_page(request.GET.get("page")),
        # Counted over every resource, the same for every visitor until the next change.
        "themes": memoize(request, "wiki-themes", selectors.themes_with_counts),
        "tags": memoize(request, "wiki-tags", selectors.tags_in_use),
        "recent": memoize(request, "wiki-recent", selectors.recently_updated),
        "add_url": _add_url(request.user, index),
        "wiki_url": index.get_url(request),
        **discussion.home_context(request, index),
        **following.home_context(request, index),
    }


def ressource_context(page: RessourcePage, request) -> dict:
    user = request.user
    related_methods, related_bilans = selectors.bilans_links(page)
    return {
        "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk])
        if may_edit(user, page)
        else "",
        "add_url": _add_url(user, page),
        "sub_ressources": selectors.sub_ressources(page),
        # A structure behind a view restriction is not named on a public resource.
        "related_structures": without_restricted(page.related_structures.live()).order_by("title"),
        "used_by": without_restricted(page.used_by.live()).order_by("title"),
        "related_methods": related_methods,
        "related_bilans": related_bilans,
        "wiki_url": selectors.wiki_url(request),
        # Each tag with its item: one query, not one per tag.
        "tagged_items": page.tagged_items.select_related("tag"),
        **history.page_context(request, page),
        **discussion.page_context(request, page),
        **following.page_context(request, page),
    }
