"""Every retention limit the privacy page states holds to the second: `purge_personal_data`
keeps a row one second before its limit and erases it one second after."""

import datetime
import io
from importlib import import_module

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from agenda.factories import EventPageFactory
from agenda.models import EventProposal, ProposalStatus
from structures.factories import StructurePageFactory
from structures.models import Invitation, StructureIndexPage
from veille.models import Alert
from website.privacy_services import retention_rules

T0 = datetime.datetime(2026, 3, 27, 23, 30, tzinfo=datetime.UTC)  # the eve of a clock change
SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)


def at(moment, fn, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return fn(*args, **kwargs)


def purge_at(moment) -> str:
    out = io.StringIO()
    at(moment, call_command, "purge_personal_data", verbosity=1, stdout=out)
    return out.getvalue()


@pytest.fixture
def regie(home):
    return StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Régie")


def _invitation(regie, n: int, **fields) -> Invitation:
    return Invitation.objects.create(
        email=f"invitee{n}@example.org", structure=regie, token_hash=str(n) * 64, **fields
    )


# Each case: what to create at T0 (returns a check "is it still there?"), and how long it lasts.


def pending_invitation(regie):
    invitation = _invitation(regie, 1, expires_at=T0)
    return lambda: Invitation.objects.filter(pk=invitation.pk).exists(), 30 * DAY


def accepted_invitation(regie):
    invitation = _invitation(regie, 2, expires_at=T0 + 7 * DAY, accepted_at=T0)
    return lambda: Invitation.objects.filter(pk=invitation.pk).exists(), 90 * DAY


def visitor_email(regie):
    event = EventPageFactory(parent=regie)
    proposal = EventProposal.objects.create(
        event=event, email="visiteur@example.org", status=ProposalStatus.REFUSED, moderated_at=T0
    )

    def kept():
        return EventProposal.objects.get(pk=proposal.pk).email == "visiteur@example.org"

    return kept, 90 * DAY


def unconfirmed_alert(regie):
    alert = at(T0, Alert.objects.create, email="lecteur@example.org", query="numérique")
    return lambda: Alert.objects.filter(pk=alert.pk).exists(), 7 * DAY


def session(regie):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    at(T0 - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE), store.save)
    return lambda: store.exists(store.session_key), datetime.timedelta(0)


def failed_login(regie):
    attempt = at(
        T0,
        AccessAttempt.objects.create,
        username="awa@example.org",
        ip_address="192.0.2.7",
        user_agent="Firefox",
        failures_since_start=1,
    )
    return lambda: AccessAttempt.objects.filter(pk=attempt.pk).exists(), settings.AXES_COOLOFF_TIME


def login_log(regie):
    entry = at(
        T0, AccessLog.objects.create, username="awa", ip_address="192.0.2.7", user_agent="Firefox"
    )
    return lambda: AccessLog.objects.filter(pk=entry.pk).exists(), 30 * DAY


def sent_email(regie):
    task = DBTaskResult.objects.create(
        status="SUCCESSFUL",
        finished_at=T0,
        run_after=T0,
        args_kwargs={"args": [], "kwargs": {"to": ["awa@example.org"]}},
        task_path="website.accounts.send_account_email",
        backend_name="default",
    )
    return lambda: DBTaskResult.objects.filter(pk=task.pk).exists(), 14 * DAY


LIMITS = [
    pending_invitation,
    accepted_invitation,
    visitor_email,
    unconfirmed_alert,
    session,
    failed_login,
    login_log,
    sent_email,
]


@pytest.mark.parametrize("case", LIMITS, ids=[case.__name__ for case in LIMITS])
def test_a_row_is_kept_until_its_limit_and_erased_one_second_after(case, regie):
    kept, lasts = case(regie)

    purge_at(T0 + lasts - SECOND)
    assert kept()
    output = purge_at(T0 + lasts + SECOND)
    assert not kept()
    assert "effacé(s)" in output
    assert purge_at(T0 + lasts + 2 * SECOND) == ""  # idempotent, and quiet with nothing to do


def test_hashed_addresses_leave_the_database_cache_when_their_window_closes(database_cache, regie):
    at(T0, caches["default"].set, "guard:proposal:abc:1", 1, timeout=3601)

    def rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM test_cache WHERE cache_key LIKE %s", ["%guard%"])
            return cursor.fetchone()[0]

    purge_at(T0 + 3601 * SECOND - SECOND)
    assert rows() == 1
    purge_at(T0 + 3601 * SECOND + SECOND)
    assert rows() == 0


def test_what_others_still_need_stays_past_every_limit(regie):
    """A confirmed alert waits for its unsubscription, a pending proposal for its moderation, an
    account for its owner: no limit applies to them."""
    user = get_user_model().objects.create_user("awa", "awa@example.org", "x")
    alert = at(T0, Alert.objects.create, email="lecteur@example.org", confirmed_at=T0)
    pending = EventProposal.objects.create(
        event=EventPageFactory(parent=regie), email="visiteur@example.org"
    )

    purge_at(T0 + 400 * DAY)

    assert Alert.objects.filter(pk=alert.pk).exists()
    assert EventProposal.objects.get(pk=pending.pk).email == "visiteur@example.org"
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_the_older_commands_still_apply_their_own_limits_only(regie):
    invitation = _invitation(regie, 3, expires_at=T0)
    proposal = EventProposal.objects.create(
        event=EventPageFactory(parent=regie), email="visiteur@example.org", moderated_at=T0
    )
    later = T0 + 91 * DAY

    at(later, call_command, "purge_invitations", verbosity=0)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert EventProposal.objects.get(pk=proposal.pk).email == "visiteur@example.org"
    at(later, call_command, "purge_proposals", verbosity=0)
    assert EventProposal.objects.get(pk=proposal.pk).email == ""


def test_every_limit_of_the_privacy_page_is_tested_here():
    """A new retention rule needs its boundary case above."""
    limits = {rule.purge.__name__ for rule in retention_rules() if rule.purge is not None}
    assert limits == {
        "purge_invitations",  # pending_invitation, accepted_invitation
        "erase_visitor_emails",  # visitor_email
        "purge_unconfirmed",  # unconfirmed_alert
        "_expired_sessions",  # session
        "_failed_logins",  # failed_login
        "_login_log",  # login_log
        "_finished_tasks",  # sent_email
        "_expired_cache_entries",  # the database cache test
    }
