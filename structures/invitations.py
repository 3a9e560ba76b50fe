"""Invitations: the only way into the network (there is no open sign-up).

A facilitator, an administrator or one of a structure's editors invites an address to that
structure with a role. The email carries a random token; the database keeps only its SHA-256
(`Invitation.token_hash`), so the table alone lets nobody in. The link lasts
`INVITATION_VALIDITY`. Whoever opens it either creates the account of the invited address
(username = the address, lower-cased: people sign in with their email) or, when an account
with that address already exists, must be signed in as that very account: a link never opens,
changes or takes over an existing account. Accepting gives the Membership; the rights follow
from it through structures.signals.

Who may invite to structure S is data too (`managed_structures`): administrators and
facilitators anywhere, S's editors for S. An invitation holds only while its sender still may
invite there: an editor who loses the role takes their pending invitations with them.

The email is sent within the request, not through the tasks queue: the queue would keep the
link (and so the token) in its database table until the task is purged. If sending fails, the
invitation is not kept and the person who invited is told.
"""

import hashlib
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from structures.models import Facilitator, Invitation, Membership, Role, StructurePage

INVITATION_VALIDITY = timedelta(days=7)
TOKEN_BYTES = 32
# A token is 43 URL-safe characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


class InvitationUnusable(Exception):
    """The link cannot be used; `reason` is one of the constants below."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    WITHDRAWN = "withdrawn"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationNotSent(Exception):
    """The email could not be handed to the mail server; nothing was kept."""


class AccountExists(Exception):
    """The invited address already has an account: its owner must sign in to accept."""


class WrongAccount(Exception):
    """The signed-in account is not the one the invitation was sent to."""


# --- Who may invite -------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def manages_network(user) -> bool:
    """Administrators and facilitators manage people in every structure."""
    return _active(user) and (
        user.is_superuser or Facilitator.objects.filter(user_id=user.pk).exists()
    )


def managed_structures(user) -> QuerySet:
    """The structures whose members and invitations `user` manages."""
    if not _active(user):
        return StructurePage.objects.none()
    if manages_network(user):
        return StructurePage.objects.all()
    return StructurePage.objects.filter(
        memberships__user_id=user.pk, memberships__role=Role.EDITOR
    ).distinct()


def may_invite(user, structure: StructurePage) -> bool:
    return managed_structures(user).filter(pk=structure.pk).exists()


# --- Tokens and addresses -------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def accounts_for(email: str) -> QuerySet:
    """Accounts that an invitation to `email` belongs to: by address or by username."""
    email = normalise_email(email)
    return get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def accept_url(token: str) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("invitation_accept", args=[token])


# --- Sending --------------------------------------------------------------------------------


def _issue(invitation: Invitation) -> str:
    """Give `invitation` a fresh token and expiry, save it, and return the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + INVITATION_VALIDITY
    invitation.save()
    return token


def _send(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "structure": invitation.structure,
        "role": invitation.get_role_display(),
        "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
        "url": accept_url(token),
        "expires_at": invitation.expires_at,
        "has_account": accounts_for(invitation.email).exists(),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("structures/emails/invitation_subject.txt", context)
        body = render_to_string("structures/emails/invitation.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except (smtplib.SMTPException, OSError) as error:
        raise InvitationNotSent(str(error)) from error


def invite(*, email: str, structure: StructurePage, role: str, invited_by) -> Invitation:
    """Invite `email` to `structure` with `role`, replacing any pending invitation there."""
    if not may_invite(invited_by, structure):
        raise PermissionDenied
    if role not in Role.values:
        raise ValueError(role)
    email = normalise_email(email)
    with transaction.atomic():
        Invitation.objects.filter(
            email__iexact=email, structure=structure, accepted_at__isnull=True
        ).delete()
        invitation = Invitation(email=email, structure=structure, role=role, invited_by=invited_by)
        token = _issue(invitation)
        _send(invitation, token)
    return invitation


def resend(*, invitation: Invitation, sent_by, role: str | None = None) -> Invitation:
    """Send a new link (the old one stops working), valid for a full period again.

    The sender vouches for the invitation from now on (see `find_invitation`).
    """
    if invitation.accepted_at is not None:
        raise InvitationUnusable(InvitationUnusable.USED)
    if not may_invite(sent_by, invitation.structure):
        raise PermissionDenied
    if role is not None:
        if role not in Role.values:
            raise ValueError(role)
        invitation.role = role
    invitation.invited_by = sent_by
    with transaction.atomic():
        token = _issue(invitation)
        _send(invitation, token)
    return invitation


def pending() -> QuerySet:
    return Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


# --- Accepting ------------------------------------------------------------------------------


def find_invitation(*, token: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted; else InvitationUnusable."""
    invitation = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        invitation = (
            Invitation.objects.select_related("structure", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )
    if invitation is None:
        raise InvitationUnusable(InvitationUnusable.UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationUnusable(InvitationUnusable.USED)
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(InvitationUnusable.EXPIRED)
    if not may_invite(invitation.invited_by, invitation.structure):
        raise InvitationUnusable(InvitationUnusable.WITHDRAWN)
    return invitation


def _claim(token: str) -> Invitation:
    """Mark the invitation accepted, once: of two simultaneous attempts, one wins."""
    invitation = find_invitation(token=token)
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if not claimed:
        raise InvitationUnusable(InvitationUnusable.USED)
    invitation.accepted_at = now
    return invitation


def _join(user, invitation: Invitation) -> Membership:
    """The membership the invitation grants; an existing one is never demoted nor duplicated."""
    membership, created = Membership.objects.get_or_create(
        user=user, structure=invitation.structure, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Role.EDITOR and membership.role != Role.EDITOR:
        membership.role = Role.EDITOR
        membership.save()
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    invitation.accepted_by = user
    return membership


def accept_with_new_account(*, token: str, first_name: str, last_name: str, password: str):
    """Create the invited address's account and its membership; returns the new user.

    Raises InvitationUnusable, AccountExists, or ValidationError (password validators).
    """
    user_model = get_user_model()
    with transaction.atomic():
        invitation = _claim(token)
        if accounts_for(invitation.email).exists():
            raise AccountExists
        user = user_model(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name,
            last_name=last_name,
        )
        password_validation.validate_password(password, user)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # created by a simultaneous request
            raise AccountExists from error
        _join(user, invitation)
    return user


def accept_as(*, token: str, user) -> Membership:
    """Add the invitation's membership to `user`, who must own the invited address."""
    with transaction.atomic():
        invitation = _claim(token)
        if not _active(user) or not accounts_for(invitation.email).filter(pk=user.pk).exists():
            raise WrongAccount
        return _join(user, invitation)
