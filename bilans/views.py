"""The bilans' pages and front-end routes. Kept thin: bilans.rights says who may,
bilans.forms checks the input, bilans.services writes, bilans.selectors reads."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bilans import rights, selectors, services
from bilans.forms import ActionForm, ActionStatusForm, MethodFilters
from bilans.models import Action, BilanIndexPage, BilanPage, MethodIndexPage, MethodPage, Status
from structures.models import StructurePage
from website.guard import public_form
from website.queries import without_restricted

ACTION_GUARD = public_form(scope="bilans-actions", limit=120, window=3600, max_bytes=16 * 1024)
BOARD_PAGE_SIZE = 50


def _edit_url(user, page) -> str:
    return (
        reverse("wagtailadmin_pages:edit", args=[page.pk])
        if rights.may_edit_page(user, page)
        else ""
    )


def _route(page, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


# --- Pages ---------------------------------------------------------------------------------


def bilan_index_context(index: BilanIndexPage, request) -> dict:
    paginator = Paginator(selectors.published_bilans(), index.per_page)
    return {
        "bilans": paginator.get_page(request.GET.get("page")),
        "method_index": selectors.method_index(),
        "board_url": _route(index, "network_board"),
    }


def method_library_context(index: MethodIndexPage, request) -> dict:
    filters = MethodFilters(request.GET)
    methods = selectors.published_methods()
    if filters.is_valid():
        methods = selectors.filtered_methods(methods, **filters.criteria())
    else:
        methods = methods.none()
    return {
        "filters": filters,
        "filtered": any(request.GET.get(name) for name in filters.fields),
        "methods": Paginator(methods, index.per_page).get_page(request.GET.get("page")),
        "edit_url": _edit_url(request.user, index),
    }


def method_context(method: MethodPage, request) -> dict:
    return {
        "review_days": selectors.review_days_using(method),
        "edit_url": _edit_url(request.user, method),
        "library": method.get_parent(),
    }


def bilan_context(bilan: BilanPage, request) -> dict:
    previous = selectors.previous_bilan(bilan)
    index = bilan.get_parent()
    return {
        "previous": previous,
        "followed_up": selectors.followed_up_actions(previous),
        "item_actions": selectors.actions_by_item(bilan),
        "may_create_actions": rights.may_edit_actions(request.user),
        "edit_url": _edit_url(request.user, bilan),
        "index_url": index.url,
        "board_url": _route(index, "network_board"),
        "print_url": _route(bilan, "print"),
        "document_url": _route(bilan, "document"),
        "participations": bilan.participations.select_related("structure"),
    }


# --- Action boards -------------------------------------------------------------------------


def _board_filters(request) -> tuple[str, list[str]]:
    status = request.GET.get("etat", "")
    errors = []
    if status and status not in Status.values:
        errors.append(_("Cet état n'existe pas : toutes les actions sont affichées."))
        status = ""
    return status, errors


@never_cache
def board(request, *, index: BilanIndexPage, structure_slug: str | None):
    structure = None
    if structure_slug is not None:
        structure = (
            without_restricted(StructurePage.objects.live()).filter(slug=structure_slug).first()
        )
        if structure is None:
            raise Http404
    status, errors = _board_filters(request)
    actions = Paginator(
        selectors.board_actions(structure=structure, status=status), BOARD_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    user = request.user
    facilitator = rights.is_facilitator(user)
    structure_ids = rights.member_structure_ids(user)
    for action in actions:
        action.may_update = rights.may_update_status(
            user, action, facilitator=facilitator, structure_ids=structure_ids
        )
    return render(
        request,
        "bilans/action_board.html",
        {
            "page": index,
            "structure": structure,
            "actions": actions,
            "status": status,
            "statuses": Status.choices,
            "filter_errors": errors,
            "structures": selectors.board_structures(),
            "board_url": _route(index, "network_board"),
            "may_edit": facilitator,
            "status_form": ActionStatusForm(),
        },
    )


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _action_or_404(pk: int) -> Action:
    action = Action.objects.select_related("structure", "bilan").filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


@never_cache
@ACTION_GUARD
def update_status(request, *, index: BilanIndexPage, pk: int):
    """A member of the action's structure (or a facilitator) sets its status."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = _action_or_404(pk)
    # Another structure's action is "not found": acting on it is not this person's business.
    if not rights.may_update_status(request.user, action):
        raise Http404
    back = _next_url(request, _route(index, "network_board"))
    if request.method != "POST":
        form = ActionStatusForm(initial={"status": action.status, "seen": action.status})
        return render(
            request,
            "bilans/action_status.html",
            {"page": index, "action": action, "form": form, "back": back},
        )
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "bilans/action_status.html",
            {"page": index, "action": action, "form": form, "back": back},
            status=400,
        )
    try:
        services.set_status(
            action=action,
            status=form.cleaned_data["status"],
            user=request.user,
            seen=form.cleaned_data["seen"],
        )
    except services.StatusConflict:
        messages.warning(
            request,
            _(
                "Une autre personne vient de changer l'état de l'action « %(action)s » : il est "
                "maintenant « %(status)s ». Votre choix n'est pas enregistré ; choisissez de "
                "nouveau si besoin."
            )
            % {"action": action.description[:80], "status": action.get_status_display().lower()},
        )
        return redirect(back)
    messages.success(
        request,
        _("L'action « %(action)s » est maintenant : %(status)s.")
        % {"action": action.description[:80], "status": action.get_status_display().lower()},
    )
    return redirect(back)


def _facilitator_or_refuse(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rights.may_edit_actions(request.user):
        raise Http404
    return None


def _save_links(action: Action, form: ActionForm) -> None:
    action.carried_by.set(form.cleaned_data["carriers"])


@never_cache
@ACTION_GUARD
def edit_action(request, *, index: BilanIndexPage, pk: int):
    refused = _facilitator_or_refuse(request)
    if refused:
        return refused
    action = _action_or_404(pk)
    previous_status = action.status
    form = ActionForm(request.POST if request.method == "POST" else None, instance=action)
    if request.method == "POST" and form.is_valid():
        new_status = form.cleaned_data["status"]
        action = form.save(commit=False)
        action.status = previous_status
        action.save()
        _save_links(action, form)
        services.set_status(action=action, status=new_status, user=request.user)
        messages.success(request, _("L'action est enregistrée."))
        return redirect(_next_url(request, _route(index, "network_board")))
    return render(
        request,
        "bilans/action_form.html",
        {"page": index, "form": form, "action": action, "back": _route(index, "network_board")},
        status=400 if form.is_bound else 200,
    )


@never_cache
@ACTION_GUARD
def new_action(request, *, bilan: BilanPage, section_id: str, item_id: str):
    """A facilitator turns one item of a section (a post-it, a point of a plan) into an action."""
    refused = _facilitator_or_refuse(request)
    if refused:
        return refused
    section = bilan.section(section_id)
    found = (
        section.value.find_item(item_id)
        if section is not None and hasattr(section.value, "find_item")
        else None
    )
    if found is None:
        raise Http404
    text, where = found
    existing = bilan.actions.filter(item_id=item_id).first()
    if existing is not None:
        messages.info(request, _("Ce point est déjà devenu une action : la voici."))
        return redirect(_route(bilan.get_parent(), "action_edit", existing.pk))
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={"description": text, "status": Status.TODO},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.create_action(
            bilan=bilan,
            section_id=section_id,
            section_title=f"{section.value['title']} — {where}",
            item_id=item_id,
            structure=data["structure"],
            description=data["description"],
            due_date=data["due_date"],
            status=data["status"],
            carried_by=data["carriers"],
            user=request.user,
        )
        messages.success(request, _("L'action est créée et suivie dans le tableau des actions."))
        return redirect(f"{bilan.url}#point-{item_id}")
    return render(
        request,
        "bilans/action_form.html",
        {
            "page": bilan,
            "form": form,
            "origin": {"section": section.value["title"], "where": where, "text": text},
            "back": f"{bilan.url}#point-{item_id}",
        },
        status=400 if form.is_bound else 200,
    )


# --- Downloadable document -----------------------------------------------------------------


def download(request, bilan: BilanPage) -> HttpResponse:
    from bilans.document import odt_for

    response = HttpResponse(
        odt_for(bilan, request=request), content_type="application/vnd.oasis.opendocument.text"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bilan-{bilan.date:%Y-%m-%d}-{bilan.slug}.odt"'
    )
    return response
