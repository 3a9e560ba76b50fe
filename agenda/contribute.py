"""Front-end routes to propose, change and moderate events (not the Wagtail admin).

Kept thin: agenda.rights says who may, agenda.forms checks the input, agenda.moderation saves
and decides, agenda.selectors reads.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from agenda import moderation, rights, selectors
from agenda.forms import EventForm, ModerationForm
from agenda.models import AgendaSettings, EventPage
from website.guard import public_form

PROPOSAL_GUARD = public_form(scope="event-proposal", limit=20, window=3600, max_bytes=64 * 1024)
MODERATION_GUARD = public_form(
    scope="event-moderation", limit=120, window=3600, max_bytes=16 * 1024
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _visitors_welcome(request) -> bool:
    return AgendaSettings.for_request(request).visitors_can_propose


def _done(request, page: EventPage, proposal) -> object:
    if proposal is None:
        messages.success(request, _("L'événement est publié."))
        return redirect(page.url)
    messages.success(
        request,
        _(
            "Merci ! Votre proposition est enregistrée. Elle paraîtra dans l'agenda dès qu'une "
            "personne de l'équipe l'aura relue ; vous recevrez un courriel."
        ),
    )
    if request.user.is_authenticated:
        return redirect("agenda_my_events")
    return redirect("agenda_propose")


@never_cache
@PROPOSAL_GUARD
def propose(request):
    user = request.user
    if not user.is_authenticated and not _visitors_welcome(request):
        return render(request, "agenda/contribute/closed.html", status=403)
    structures = rights.proposable_structures(user) if user.is_authenticated else None
    network_choice = rights.is_facilitator(user)
    if structures is not None and not structures.exists() and not network_choice:
        structures = None  # an account without a structure proposes as a visitor does
    form = EventForm(
        _posted(request),
        structures=structures,
        email_required=not user.is_authenticated,
        network_choice=network_choice,
    )
    if request.method == "POST" and form.is_valid():
        page = form.apply()
        structure = form.cleaned_data.get("structure")
        proposal = moderation.save_event(
            page=page,
            parent=moderation.parent_for(structure),
            user=user,
            email=form.cleaned_data.get("email", ""),
        )
        return _done(request, page, proposal)
    return render(request, "agenda/contribute/event_form.html", {"form": form, "is_new": True})


def _changeable(request, pk: int) -> EventPage:
    page = EventPage.objects.filter(pk=pk).first()
    # Someone else's event is "not found": its existence as a draft is not theirs to know.
    if page is None or not rights.can_change_event(request.user, page):
        raise Http404
    return page


def _event_form(page: EventPage, data) -> EventForm:
    # Continue from the version waiting for moderation, if any, not from the live one.
    draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
    return EventForm(
        data, instance=draft, is_new=False, initial={"loaded_revision": page.latest_revision_id}
    )


@never_cache
@login_required
@PROPOSAL_GUARD
def edit(request, pk: int):
    page = _changeable(request, pk)
    form = _event_form(page, _posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            proposal = moderation.save_event(
                page=form.apply(),
                parent=None,
                user=request.user,
                loaded_revision=form.cleaned_data["loaded_revision"],
            )
        except moderation.EditConflict:
            # What they typed, now on top of the newest version, so that saving again is a
            # choice made knowingly.
            page = EventPage.objects.get(pk=page.pk)
            posted = request.POST.copy()
            posted["loaded_revision"] = page.latest_revision_id or ""
            form, status = _event_form(page, posted), 409
            form.is_valid()
            form.show_conflict()
        else:
            return _done(request, page, proposal)
    return render(
        request,
        "agenda/contribute/event_form.html",
        {
            "form": form,
            "is_new": False,
            "event": page,
            "waiting": moderation.waiting_state(page) is not None,
            "moderated": not rights.can_moderate(request.user, page),
        },
        status=status,
    )


@never_cache
@login_required
def my_events(request):
    return render(
        request,
        "agenda/contribute/my_events.html",
        {
            "proposals": selectors.proposals_of(request.user),
            "events": selectors.changeable_events(request.user),
        },
    )


@never_cache
@login_required
def moderation_queue(request):
    if not selectors.moderates_anything(request.user):
        raise PermissionDenied
    return render(
        request,
        "agenda/contribute/moderation_queue.html",
        {"waiting": selectors.waiting_for(request.user)},
    )


@never_cache
@login_required
@MODERATION_GUARD
def moderation_review(request, pk: int):
    page = EventPage.objects.filter(pk=pk).first()
    if page is None or not rights.can_moderate(request.user, page):
        raise Http404
    task_state = moderation.waiting_state(page)
    form = ModerationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        decided = task_state is not None and moderation.decide(
            page=page,
            user=request.user,
            action=form.cleaned_data["action"],
            message=form.cleaned_data["comment"],
        )
        if decided:
            messages.success(
                request, _("Décision enregistrée pour « %(title)s ».") % {"title": page.title}
            )
        else:
            messages.warning(
                request,
                _(
                    "« %(title)s » vient d'être traitée par une autre personne : votre décision "
                    "n'est pas enregistrée."
                )
                % {"title": page.title},
            )
        return redirect(reverse("agenda_moderation"))
    return render(
        request,
        "agenda/contribute/moderation_review.html",
        {
            "event": page,
            "proposed": page.get_latest_revision_as_object(),
            "proposal": selectors.open_proposal(page),
            "task_state": task_state,
            "form": form,
        },
    )
