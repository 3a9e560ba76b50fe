"""Accepting an invitation, and "Mon espace": a person's structures, password and data.

"Mon espace" grows with the apps without naming them: an app adds a block by shipping a
`my_space.py` module (found like `demo.py` or `setup.py`, by website.discovery) with

    def my_space_block(request) -> dict | None:
        # None: nothing to show to this person. Otherwise the context of one block, whose
        # "template" key names the template to include, e.g. "agenda/my_space_block.html".

"Exporter mes données" and "supprimer mon compte" gather every app's `privacy.py` through
website.privacy_services.
"""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from structures import invitations
from structures.forms import AcceptInvitationForm, DeleteAccountForm, JoinForm
from structures.models import Facilitator, Membership, Role
from structures.verification import verification_warning
from website import privacy_services
from website.discovery import contributions
from website.guard import public_form

# Anyone holding a link can post here: the guard limits each address's attempts.
INVITATION_GUARD = public_form(scope="invitation", limit=10, window=3600, max_bytes=16 * 1024)
PASSWORD_CHANGE_GUARD = public_form(
    scope="password-change", limit=10, window=900, max_bytes=16 * 1024
)
ACCOUNT_DELETE_GUARD = public_form(scope="account-delete", limit=10, window=900, max_bytes=8 * 1024)
# The password backend that logs people in (the axes backend before it only counts failures).
MODEL_BACKEND = "website.security.backends.AccountBackend"
UNUSABLE_STATUS = {
    invitations.InvitationUnusable.UNKNOWN: 404,
    invitations.InvitationUnusable.EXPIRED: 410,
    invitations.InvitationUnusable.USED: 410,
    invitations.InvitationUnusable.WITHDRAWN: 410,
}


def _private(response):
    # The page's address holds the token: no cache keeps it, no Referer carries it.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unusable(request, reason: str):
    response = render(
        request,
        "structures/account/invitation_invalid.html",
        {"reason": reason},
        status=UNUSABLE_STATUS[reason],
    )
    return _private(response)


@never_cache
@INVITATION_GUARD
def accept_invitation(request, token: str):
    try:
        invitation = invitations.find_invitation(token=token)
    except invitations.InvitationUnusable as unusable:
        return _unusable(request, unusable.reason)
    accounts = invitations.accounts_for(invitation.email)
    context = {"invitation": invitation, "login_url": _login_url(request)}
    if accounts.exists():
        if not request.user.is_authenticated:
            context["state"] = "login_first"
        elif not accounts.filter(pk=request.user.pk).exists():
            context["state"] = "wrong_account"
        else:
            context["state"] = "join"
            form = JoinForm(_posted(request))
            if request.method == "POST" and form.is_valid():
                return _join(request, token, invitation)
            context["form"] = form
    elif request.user.is_authenticated:
        context["state"] = "wrong_account"
    else:
        context["state"] = "create"
        form = AcceptInvitationForm(_posted(request), invitation=invitation)
        if request.method == "POST" and form.is_valid():
            return _create_account(request, token, invitation, form)
        context["form"] = form
    return _private(render(request, "structures/account/invitation.html", context))


def _posted(request):
    return request.POST if request.method == "POST" else None


def _login_url(request) -> str:
    return reverse("account_login") + "?" + urlencode({"next": request.path})


def _create_account(request, token, invitation, form):
    data = form.cleaned_data
    try:
        user = invitations.accept_with_new_account(
            token=token,
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
    except invitations.InvitationUnusable as unusable:
        return _unusable(request, unusable.reason)
    except invitations.AccountExists:
        return redirect(request.path)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request,
        _("Bienvenue ! Votre compte est créé et vous avez rejoint %(structure)s.")
        % {"structure": invitation.structure.title},
    )
    return redirect("my_space")


def _join(request, token, invitation):
    try:
        invitations.accept_as(token=token, user=request.user)
    except invitations.InvitationUnusable as unusable:
        return _unusable(request, unusable.reason)
    except invitations.WrongAccount:
        return redirect(request.path)
    messages.success(
        request,
        _("Vous avez rejoint %(structure)s.") % {"structure": invitation.structure.title},
    )
    return redirect("my_space")


# --- Mon espace -----------------------------------------------------------------------------


def _contributed_blocks(request) -> list[dict]:
    blocks = []
    for module in contributions("my_space"):
        block_for = getattr(module, "my_space_block", None)
        block = block_for(request) if block_for else None
        if block:
            blocks.append(block)
    return blocks


@never_cache
@login_required
def my_space(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("structure")
        .order_by("structure__title")
    )
    for membership in memberships:
        membership.is_editor = membership.role == Role.EDITOR
        # The sentence its editors also read in the admin (structures.verification).
        membership.verification_warning = (
            verification_warning(membership.structure) if membership.is_editor else ""
        )
        membership.admin_url = reverse("wagtailadmin_pages:edit", args=[membership.structure_id])
        membership.members_url = (
            reverse("memberships:index") + "?" + urlencode({"structure": membership.structure_id})
        )
    return render(
        request,
        "structures/account/my_space.html",
        {
            "memberships": memberships,
            "is_facilitator": Facilitator.objects.filter(user=request.user).exists(),
            "may_invite": invitations.manages_network(request.user)
            or invitations.managed_structures(request.user).exists(),
            "blocks": _contributed_blocks(request),
        },
    )


@method_decorator(PASSWORD_CHANGE_GUARD, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "structures/account/password_change.html"
    success_url = reverse_lazy("my_space")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe a été changé."))
        return response


@never_cache
@login_required
def export_my_data(request):
    body = json.dumps(privacy_services.personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-relais-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@ACCOUNT_DELETE_GUARD
def delete_account(request):
    user = request.user
    if user.is_superuser:
        return render(request, "structures/account/delete_account.html", {"refused": True})
    form = DeleteAccountForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        privacy_services.delete_account(user=user)
        return redirect("account_deleted")
    return render(request, "structures/account/delete_account.html", {"form": form})


def account_deleted(request):
    return render(request, "structures/account/account_deleted.html")
