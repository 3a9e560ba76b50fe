"""Remind the owners of open actions due in a week: the members of the owning structure (the
facilitators for the network's own actions). Idempotent: each action's `reminded_for` holds
the due date it was reminded of, set once its email is queued, so a re-run sends nothing
twice and resumes after a crash; a new due date earns a new reminder. Run it daily."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from bilans import selectors
from bilans.models import Action
from website.accounts import send_account_email


def _recipients(action: Action) -> list[str]:
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    if action.structure_id:
        people = people.filter(memberships__structure_id=action.structure_id)
    else:
        people = people.filter(Q(facilitator_role__isnull=False))
    return sorted(set(people.values_list("email", flat=True)))


class Command(BaseCommand):
    help = "Envoie un rappel aux structures dont une action ouverte arrive à échéance dans une semaine."

    def handle(self, *args, **options):
        index = selectors.bilan_index()
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        sent = 0
        for action in selectors.actions_to_remind(timezone.localdate()):
            recipients = _recipients(action)
            if recipients and index is not None:
                board = (
                    index.reverse_subpage("structure_board", args=[action.structure.slug])
                    if action.structure_id
                    else index.reverse_subpage("network_board")
                )
                context = {
                    "action": action,
                    "board_url": f"{base}{index.url}{board}#action-{action.pk}",
                    "site_name": settings.WAGTAIL_SITE_NAME,
                }
                subject = "".join(
                    render_to_string("bilans/emails/reminder_subject.txt", context).splitlines()
                )
                body = render_to_string("bilans/emails/reminder.txt", context)
                # One message per person: members' addresses are not shown to each other.
                for recipient in recipients:
                    send_account_email.enqueue(subject=subject, body=body, to=[recipient])
                sent += 1
            Action.objects.filter(pk=action.pk).update(reminded_for=action.due_date)
        if options["verbosity"] > 1 or (sent and options["verbosity"]):
            self.stdout.write(f"{sent} rappel(s) envoyé(s).")
