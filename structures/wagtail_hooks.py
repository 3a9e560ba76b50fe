"""The admin's "Réseau" menu: memberships, the facilitators' team, invitations; and the warning
a structure's editors get on its edit page, and its places', while its referral facts need a
check.

Rights here come from the data, like every other right (structures.permissions), never from
Django permissions given by hand (none are offered in the groups' editor):
- administrators manage everything, and alone the facilitators' team;
- facilitators manage every structure's memberships and invitations;
- a structure's editors see and manage their own structure's memberships (change the role,
  remove) and invitations (invite, resend, cancel); they add people by inviting them only,
  since the accounts of the whole network are not theirs to list;
- anyone else (members, former editors) sees none of it.
"""

import django_filters

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.forms import modelform_factory
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from structures import invitations
from structures.forms import InviteForm, ResendInvitationForm
from structures.models import Facilitator, Invitation, Membership, Role
from structures.notifications import MODERATION_NOTIFIED
from structures.verification import structure_to_verify, verification_warning

ACTIONS = {"add", "change", "delete", "view"}
EVERYWHERE = "everywhere"


# --- Permission policies --------------------------------------------------------------------


class StructurePeoplePolicy(BasePermissionPolicy):
    """Rights on rows that belong to a structure (a `structure` foreign key)."""

    def __init__(self, model, *, editor_actions: set[str]):
        super().__init__(model)
        self.editor_actions = set(editor_actions)
        self.permission_cache_name = f"_relais_people_scope_{model._meta.model_name}"

    def get_all_permissions_for_user(self, user):
        # The "permissions" cached on the user: EVERYWHERE, or the ids of their structures.
        if invitations.manages_network(user):
            return EVERYWHERE
        return frozenset(invitations.managed_structures(user).values_list("pk", flat=True))

    def _scope(self, user):
        if not (user.is_authenticated and user.is_active):
            return frozenset()
        return self.get_cached_permissions_for_user(user)

    def user_has_permission(self, user, action):
        scope = self._scope(user)
        if scope == EVERYWHERE:
            return action in ACTIONS
        return bool(scope) and action in self.editor_actions

    def user_has_permission_for_instance(self, user, action, instance):
        scope = self._scope(user)
        return self.user_has_permission(user, action) and (
            scope == EVERYWHERE or instance.structure_id in scope
        )

    def filter_for_user(self, queryset, user, actions=ACTIONS):
        if not self.user_has_any_permission(user, actions):
            return queryset.none()
        scope = self._scope(user)
        return queryset if scope == EVERYWHERE else queryset.filter(structure_id__in=scope)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.filter_for_user(self.model._default_manager.all(), user, actions)

    def _users(self, actions, structure_filter: Q):
        people = Q(is_superuser=True) | Q(facilitator_role__isnull=False)
        if set(actions) & self.editor_actions:
            people |= structure_filter
        return get_user_model().objects.filter(people, is_active=True).distinct()

    def users_with_any_permission(self, actions):
        return self._users(actions, Q(memberships__role=Role.EDITOR))

    def users_with_any_permission_for_instance(self, actions, instance):
        return self._users(
            actions,
            Q(memberships__role=Role.EDITOR, memberships__structure_id=instance.structure_id),
        )


class AdministratorsOnlyPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return bool(user.is_authenticated and user.is_active and user.is_superuser)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_superuser=True, is_active=True)

    def filter_for_user(self, queryset, user, actions=ACTIONS):
        return queryset if self.user_has_any_permission(user, actions) else queryset.none()


membership_policy = StructurePeoplePolicy(Membership, editor_actions={"change", "delete", "view"})
invitation_policy = StructurePeoplePolicy(
    Invitation, editor_actions={"add", "change", "delete", "view"}
)
facilitator_policy = AdministratorsOnlyPolicy(Facilitator)
register_permission_policy(Membership, membership_policy)
register_permission_policy(Invitation, invitation_policy)
register_permission_policy(Facilitator, facilitator_policy)


# --- Views that only ever find what the person may manage ----------------------------------


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        return self.permission_policy.filter_for_user(queryset, self.request.user)


class ScopedObjectMixin:
    """Edit and delete views: anything outside the person's scope is not found (404)."""

    def get_queryset(self):
        return self.permission_policy.filter_for_user(super().get_queryset(), self.request.user)


class ScopedListingOfObjectMixin:
    """History and usage views: the object they are about must be in scope."""

    def get_base_object_queryset(self):
        queryset = super().get_base_object_queryset()
        return self.permission_policy.filter_for_user(queryset, self.request.user)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedListingOfObjectMixin, generic.HistoryView):
    pass


class ScopedUsageView(ScopedListingOfObjectMixin, generic.UsageView):
    pass


class DerivedRightsViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def get_permissions_to_register(self):
        # Rights come from memberships: nothing to tick in a group by hand.
        return Permission.objects.none()


# --- Memberships ----------------------------------------------------------------------------


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email or user.get_username()})" if name else user.get_username()


class MembershipViewSet(DerivedRightsViewSet):
    model = Membership
    name = "memberships"
    url_prefix = "reseau/appartenances"
    icon = "group"
    menu_label = _("Appartenances")
    list_display = [
        "user",
        "structure",
        Column("role", label=_("rôle"), accessor="get_role_display"),
        DateColumn("created_at", label=_("depuis le")),
    ]
    list_filter = ["structure", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering = ["structure__title", "user__username"]

    def get_form_class(self, for_update=False):
        # A membership is one person in one structure: only its role changes afterwards.
        fields = ["role"] if for_update else ["user", "structure", "role"]
        return modelform_factory(Membership, form=WagtailAdminModelForm, fields=fields)


# --- The facilitators' team -----------------------------------------------------------------


class FacilitatorViewSet(DerivedRightsViewSet):
    model = Facilitator
    name = "facilitators"
    url_prefix = "reseau/animation"
    icon = "user"
    menu_label = _("Équipe d'animation")
    list_display = ["user", DateColumn("created_at", label=_("depuis le"))]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    form_fields = ["user"]


# --- Invitations ----------------------------------------------------------------------------

PENDING, ACCEPTED, EXPIRED = "en-attente", "acceptee", "expiree"
STATUS_LABELS = {
    PENDING: _("En attente"),
    ACCEPTED: _("Acceptée"),
    EXPIRED: _("Expirée"),
}


def invitation_status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return ACCEPTED
    return PENDING if invitation.expires_at > timezone.now() else EXPIRED


class InvitationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("État"),
        choices=list(STATUS_LABELS.items()),
        method="filter_status",
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Invitation
        fields = ["status", "structure", "role"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == ACCEPTED:
            return queryset.filter(accepted_at__isnull=False)
        if value == PENDING:
            return queryset.filter(accepted_at__isnull=True, expires_at__gt=now)
        if value == EXPIRED:
            return queryset.filter(accepted_at__isnull=True, expires_at__lte=now)
        return queryset


class InvitationIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("structure", "invited_by")

    def get_edit_url(self, instance):
        # "Edit" is resending, which an accepted invitation no longer needs.
        if instance.accepted_at is None:
            return super().get_edit_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            buttons.append(
                ButtonMenuItem(_("Renvoyer"), url=edit_url, icon_name="mail", priority=10)
            )
        if delete_url := self.get_delete_url(instance):
            label = _("Supprimer") if instance.accepted_at else _("Annuler l'invitation")
            buttons.append(ButtonMenuItem(label, url=delete_url, icon_name="bin", priority=30))
        return buttons

    @cached_property
    def add_item_label(self):
        return _("Inviter une personne")


class InviteView(generic.CreateView):
    """ "Inviter une personne": the address, the structure (among the person's), the role."""

    page_title = _("Inviter une personne")
    submit_button_label = _("Envoyer l'invitation")
    submit_button_active_label = _("Envoi en cours…")

    def get_page_subtitle(self):
        return _("Inviter une personne")

    def save_instance(self):
        data = self.form.cleaned_data
        return invitations.invite(
            email=data["email"],
            structure=data["structure"],
            role=data["role"],
            invited_by=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except invitations.InvitationNotSent:
            form.add_error(
                None,
                _(
                    "Le courriel n'a pas pu être envoyé : l'invitation n'a pas été enregistrée. Réessayez dans quelques minutes."
                ),
            )
            self.produced_error_message = _("L'invitation n'a pas été envoyée.")
            return self.form_invalid(form)

    def get_success_message(self, instance):
        return _("Invitation envoyée à %(email)s : le lien est valable 7 jours.") % {
            "email": instance.email
        }

    def get_success_buttons(self):
        return []


class ResendView(ScopedEditView):
    """Resending: a fresh link for a full period; the role may change on the way."""

    page_title = _("Renvoyer l'invitation")
    submit_button_label = _("Renvoyer l'invitation")
    submit_button_active_label = _("Envoi en cours…")

    def get_queryset(self):
        return super().get_queryset().filter(accepted_at__isnull=True)

    def save_instance(self):
        return invitations.resend(
            invitation=self.object, sent_by=self.request.user, role=self.form.cleaned_data["role"]
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except invitations.InvitationNotSent:
            form.add_error(
                None, _("Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes.")
            )
            self.produced_error_message = _("L'invitation n'a pas été renvoyée.")
            return self.form_invalid(form)

    def get_success_message(self):
        return _("Nouveau lien envoyé à %(email)s : il est valable 7 jours.") % {
            "email": self.object.email
        }

    def get_success_buttons(self):
        return []


class CancelView(ScopedDeleteView):
    page_title = _("Annuler l'invitation")

    @property
    def confirmation_message(self):
        return _("Annuler l'invitation de %(email)s ? Le lien envoyé ne fonctionnera plus.") % {
            "email": self.object.email
        }


class InvitationViewSet(DerivedRightsViewSet):
    model = Invitation
    name = "invitations"
    url_prefix = "reseau/invitations"
    icon = "mail"
    menu_label = _("Invitations")
    index_view_class = InvitationIndexView
    add_view_class = InviteView
    edit_view_class = ResendView
    delete_view_class = CancelView
    filterset_class = InvitationFilterSet
    list_display = [
        "email",
        "structure",
        Column("role", label=_("rôle"), accessor="get_role_display"),
        Column(
            "status",
            label=_("état"),
            accessor=lambda invitation: STATUS_LABELS[invitation_status(invitation)],
        ),
        DateColumn("created_at", label=_("envoyée le")),
        DateColumn("expires_at", label=_("expire le")),
        Column(
            "invited_by",
            label=_("par"),
            accessor=lambda invitation: (
                _person(invitation.invited_by) if invitation.invited_by else "—"
            ),
        ),
    ]
    search_fields = ["email"]
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return ResendInvitationForm if for_update else InviteForm


class InviteMenuEntry(ViewSet):
    """ "Inviter une personne" in the menu: the invitations' add view, for those who may."""

    name = "invite-menu-entry"
    icon = "plus"
    menu_label = _("Inviter une personne")
    menu_url = reverse_lazy("invitations:add")

    @cached_property
    def menu_item_class(self):
        class InviteMenuItem(MenuItem):
            def is_shown(self, request):
                return invitation_policy.user_has_permission(request.user, "add")

        return InviteMenuItem


class NetworkMenu(ViewSetGroup):
    menu_label = _("Réseau")
    menu_icon = "group"
    menu_order = 250
    items = (MembershipViewSet, InvitationViewSet, InviteMenuEntry, FacilitatorViewSet)


@hooks.register("register_admin_viewset")
def register_network_menu():
    return NetworkMenu()


@hooks.register("register_log_actions")
def register_moderation_log(actions):
    actions.register_action(
        MODERATION_NOTIFIED,
        _("Signalé pour modération"),
        _("Un courriel a signalé cet élément à une personne qui peut le modérer"),
    )


@hooks.register("before_edit_page")
def warn_of_unverified_referral_facts(request, page):
    # On the form only: a message added on a save would follow the redirect, and one added on
    # an autosave (JSON) would pile up until the next page shown.
    if request.method != "GET" or not request.accepts("text/html"):
        return
    structure = structure_to_verify(page)
    warning = verification_warning(structure) if structure is not None else ""
    if warning:
        messages.warning(request, warning)
