"""The admin deletes an account the way its owner does from "Mon espace" (see
website.privacy_services): what the person wrote stays, signed "ancien membre", instead of
Wagtail's plain deletion, which would take their page comments with it."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wagtail import hooks

from website.privacy_services import delete_account, is_former_member


def _delete(request, users) -> None:
    for user in users:
        if is_former_member(user):
            messages.error(
                request,
                _(
                    "Le compte « ancien membre » signe ce qu'ont écrit les comptes supprimés : il reste."
                ),
            )
        else:
            delete_account(user=user)
            messages.success(
                request,
                _(
                    "Compte « %(name)s » supprimé ; ses contributions restent, signées « ancien membre »."
                )
                % {"name": user.get_username()},
            )


@hooks.register("before_delete_user")
def delete_user_keeping_contributions(request, user):
    if request.method != "POST":
        return None
    _delete(request, [user])
    return redirect("wagtailusers_users:index")


@hooks.register("before_bulk_action")
def delete_users_keeping_contributions(request, action_type, objects, action_view):
    user_model = get_user_model()
    if action_type != "delete" or not objects:
        return None
    if not all(isinstance(item, user_model) for item in objects):
        return None
    _delete(request, objects)
    return redirect(action_view.next_url)
