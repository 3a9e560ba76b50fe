"""send_digests: one email per person whose digest is due, idempotent, resumable after a crash."""

import io
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from django.core import mail, signing
from django.core.cache import cache
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.test import Client

from ressources import digests
from ressources.following import follow, set_frequency
from ressources.management.commands.send_digests import LOCK_KEY
from ressources.models import Comment, DigestSubscription, Frequency, RessourcePage
from tests.clients import text
from tests.ressources.test_recent_changes import person, publish

SUNDAY = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY_10H = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris
TUESDAY_6H = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # 06:00 in Paris
PARIS_TUESDAY = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # Tuesday 00:00 in Paris


class FlakyBackend(locmem.EmailBackend):
    """The locmem backend, failing on the `fail_at`-th message this test sends (1 = first).

    `error` is what it raises: an SMTP error (one address refused: the run goes on) or any other
    exception (the process dies). With `after_sending`, the message leaves before the failure:
    the crash happens while the message is in flight.
    """

    fail_at = None
    error = RuntimeError
    after_sending = False
    count = 0

    def send_messages(self, messages):
        for message in messages:
            type(self).count += 1
            if type(self).count == self.fail_at:
                if self.after_sending:
                    super().send_messages([message])
                raise self.error("panne simulée")
            super().send_messages([message])
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.count, FlakyBackend.fail_at = 0, None
    FlakyBackend.error, FlakyBackend.after_sending = RuntimeError, False
    yield FlakyBackend
    FlakyBackend.fail_at = None


@pytest.fixture
def author(db):
    return person("karim", "Karim", "B.")


@pytest.fixture
def readers(wiki):
    """Three people who follow the whole wiki since Sunday, each wanting a daily digest."""
    people = []
    with time_machine.travel(SUNDAY, tick=False):
        for name in ("awa", "lea", "yann"):
            reader = person(name, name.capitalize(), "Martin")
            follow(user=reader)
            set_frequency(user=reader, frequency=Frequency.DAILY)
            people.append(reader)
    return people


@pytest.fixture
def monday_edit(ressource, author):
    with time_machine.travel(MONDAY_10H, tick=False):
        publish(ressource, author, summary="Une version plus claire.")


def send(at=TUESDAY_6H, **options):
    with time_machine.travel(at, tick=False):
        call_command("send_digests", **options)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def cursor(user):
    return DigestSubscription.objects.get(user=user).covered_until


# --- When a digest is due ----------------------------------------------------------------------


def test_a_daily_digest_reaches_today_midnight_and_a_weekly_one_monday_midnight_in_paris():
    wednesday = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    assert digests.period_end(Frequency.DAILY, wednesday) == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    assert digests.period_end(Frequency.WEEKLY, wednesday) == PARIS_TUESDAY - timedelta(days=1)
    # 00:30 in Paris on Wednesday is still Tuesday evening in UTC.
    just_after = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    assert digests.period_end(Frequency.DAILY, just_after) == datetime(
        2026, 3, 3, 23, 0, tzinfo=UTC
    )


def test_midnight_is_paris_midnight_on_both_sides_of_a_daylight_saving_change():
    # Summer time starts on Sunday 29 March 2026: Monday 30 March 00:00 is 22:00 UTC on Sunday.
    after = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert digests.period_end(Frequency.WEEKLY, after) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    before = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)
    assert digests.period_end(Frequency.DAILY, before) == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)


# --- The email -------------------------------------------------------------------------------


def test_each_follower_gets_one_french_email_with_text_html_and_unsubscribe_headers(
    readers, monday_edit, ressource
):
    send()
    assert recipients() == ["awa@example.org", "lea@example.org", "yann@example.org"]
    message = next(message for message in mail.outbox if message.to == ["awa@example.org"])
    assert message.subject == "Relais · wiki : 1 nouveauté dans ce que vous suivez"
    assert "Bonjour Awa Martin," in message.body
    # The first digest reaches back to when they started following.
    assert "du 1 mars au 2 mars 2026" in message.body
    assert "Réorienter une demande : modifiée par Karim B." in message.body
    assert f"http://localhost{ressource.url}" in message.body
    assert "http://localhost/ressources/" in message.body  # back to the wiki
    assert "http://localhost/ressources/modifications/" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and '<html lang="fr">' in html
    assert f'<a href="http://localhost{ressource.url}">Réorienter une demande</a>' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost/wiki/desabonnement/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body and unsubscribe.strip("<>") in html
    for reader in readers:
        assert cursor(reader) == PARIS_TUESDAY


def test_running_twice_sends_one_email(readers, monday_edit):
    send()
    send(at=TUESDAY_6H + timedelta(hours=3))
    assert len(mail.outbox) == 3


def test_with_nothing_to_say_no_email_goes_but_the_cursor_moves(readers):
    send()
    assert mail.outbox == []
    assert all(cursor(reader) == PARIS_TUESDAY for reader in readers)


def test_a_person_s_own_changes_are_left_out_of_their_digest(readers, ressource):
    awa = readers[0]
    with time_machine.travel(MONDAY_10H, tick=False):
        publish(ressource, awa)
        Comment.objects.create(page=ressource, author=awa, body="Ma propre remarque")
    send()
    assert recipients() == ["lea@example.org", "yann@example.org"]
    assert "modifiée par Awa Martin" in mail.outbox[0].body
    assert cursor(awa) == PARIS_TUESDAY


def test_edits_in_a_row_make_one_line_and_a_question_its_own(readers, ressource, author):
    other = readers[1]
    for minutes, who in ((0, author), (5, other), (30, author), (40, other)):
        with time_machine.travel(MONDAY_10H + timedelta(minutes=minutes), tick=False):
            publish(ressource, who)
    with time_machine.travel(MONDAY_10H + timedelta(hours=2), tick=False):
        Comment.objects.create(
            page=ressource, author=author, body="Et le samedi ?", is_question=True
        )
    send()
    body = next(message.body for message in mail.outbox if message.to == ["awa@example.org"])
    assert "modifiée 4 fois par Karim B. et Lea Martin" in body
    assert "question de Karim B.\n  « Et le samedi ? »" in body
    assert "2 nouveautés" in mail.outbox[0].subject


def test_changes_before_someone_started_following_are_not_theirs(wiki, monday_edit):
    with time_machine.travel(MONDAY_10H + timedelta(hours=1), tick=False):
        late = person("tardif")
        follow(user=late)
        set_frequency(user=late, frequency=Frequency.DAILY)
    send()
    assert mail.outbox == []
    assert cursor(late) == PARIS_TUESDAY


def test_a_weekly_digest_goes_once_a_week_from_monday(readers, monday_edit, ressource, author):
    for reader in readers:
        set_frequency(user=reader, frequency=Frequency.WEEKLY)
    send()  # Tuesday: up to Monday 00:00, before the edit; since Sunday noon: due, nothing new
    assert mail.outbox == []
    send(at=datetime(2026, 3, 7, 8, 0, tzinfo=UTC))  # Saturday: not due
    assert mail.outbox == []
    send(at=datetime(2026, 3, 9, 5, 0, tzinfo=UTC))  # next Monday 06:00
    assert len(mail.outbox) == 3
    assert "du 2 mars au 8 mars 2026" in mail.outbox[0].body


def test_only_people_who_want_a_digest_and_can_receive_it_get_one(readers, monday_edit):
    awa, lea, yann = readers
    set_frequency(user=awa, frequency=Frequency.NEVER)
    lea.email = ""
    lea.save()
    yann.is_active = False
    yann.save()
    send()
    assert mail.outbox == []


def test_someone_who_follows_without_a_preference_gets_the_weekly_default(wiki, ressource, author):
    with time_machine.travel(SUNDAY, tick=False):
        reader = person("sans-preference")
        follow(user=reader)
    DigestSubscription.objects.filter(user=reader).delete()
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=UTC), tick=False):
        publish(ressource, author)
    send(at=datetime(2026, 3, 9, 5, 0, tzinfo=UTC))
    assert recipients() == ["sans-preference@example.org"]
    assert DigestSubscription.objects.get(user=reader).frequency == Frequency.WEEKLY


# --- Crashes ---------------------------------------------------------------------------------


def test_after_a_crash_a_new_run_sends_the_rest_and_skips_no_one(flaky, readers, monday_edit):
    flaky.fail_at = 2
    with pytest.raises(RuntimeError):
        send()
    assert recipients() == ["awa@example.org"]
    assert cursor(readers[0]) == PARIS_TUESDAY
    assert cursor(readers[1]) is None and cursor(readers[2]) is None
    cache.delete(LOCK_KEY)  # a killed process would leave it until it expires; this one did not
    send(at=TUESDAY_6H + timedelta(minutes=5))
    assert recipients() == ["awa@example.org", "lea@example.org", "yann@example.org"]


def test_a_crash_while_an_email_is_in_flight_repeats_that_one_only(flaky, readers, monday_edit):
    flaky.fail_at, flaky.after_sending = 2, True
    with pytest.raises(RuntimeError):
        send()
    send(at=TUESDAY_6H + timedelta(minutes=5))
    assert recipients() == [
        "awa@example.org",
        "lea@example.org",
        "lea@example.org",
        "yann@example.org",
    ]


def test_an_address_the_server_refuses_is_retried_by_the_next_run_and_the_others_go(
    flaky, readers, monday_edit
):
    flaky.fail_at, flaky.error = 1, smtplib.SMTPRecipientsRefused
    with pytest.raises(CommandError, match="1 résumé"):
        send()
    assert recipients() == ["lea@example.org", "yann@example.org"]
    assert cursor(readers[0]) is None
    send(at=TUESDAY_6H + timedelta(minutes=5))
    assert recipients() == ["awa@example.org", "lea@example.org", "yann@example.org"]


def test_a_second_run_at_the_same_time_is_refused(readers, monday_edit):
    cache.add(LOCK_KEY, 1)
    with pytest.raises(CommandError, match="en cours"):
        send()
    assert mail.outbox == []


# --- Output ----------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_quiet_in_cron_and_progress_on_a_terminal(readers, monday_edit, monkeypatch):
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    send(stdout=stdout)
    assert stdout.getvalue() == "" and stderr.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    for reader in readers:
        DigestSubscription.objects.filter(user=reader).update(covered_until=None)
    send(at=TUESDAY_6H + timedelta(hours=1))
    assert "Résumés du wiki : 3/3" in terminal.getvalue()


# --- Unsubscribing ---------------------------------------------------------------------------


def unsubscribe_path(message) -> str:
    return message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")


def test_the_unsubscribe_link_asks_to_confirm_then_stops_the_digest(client, readers, monday_edit):
    send()
    message = next(message for message in mail.outbox if message.to == ["awa@example.org"])
    path = unsubscribe_path(message)
    with time_machine.travel(TUESDAY_6H + timedelta(days=3)):
        page = text(client.get(path))
        assert "Confirmer le désabonnement" in page and 'method="post"' in page
        assert DigestSubscription.objects.get(user=readers[0]).frequency == Frequency.DAILY
        response = client.post(path)
    assert response.status_code == 200
    assert "vous ne recevrez plus de résumé du wiki" in text(response)
    assert DigestSubscription.objects.get(user=readers[0]).frequency == Frequency.NEVER
    assert DigestSubscription.objects.get(user=readers[1]).frequency == Frequency.DAILY


def test_a_mail_client_unsubscribes_in_one_click_without_a_csrf_token(readers, monday_edit):
    send()
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    with time_machine.travel(TUESDAY_6H + timedelta(hours=2)):
        response = client.post(
            unsubscribe_path(mail.outbox[0]),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    unsubscribed = DigestSubscription.objects.get(frequency=Frequency.NEVER).user
    # From then on, no digest for them; the others still get theirs.
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        Comment.objects.create(page=RessourcePage.objects.get(), author=None, body="Merci")
    send(at=datetime(2026, 3, 4, 5, 0, tzinfo=UTC))
    assert len(mail.outbox) == 2
    assert unsubscribed.email not in recipients()


def test_forged_damaged_or_foreign_tokens_get_a_clear_french_message(client, readers):
    awa = readers[0]
    token = digests.unsubscribe_token(awa)
    signed_elsewhere = signing.TimestampSigner(salt="autre.chose").sign_object({"u": awa.pk})
    for bad in (
        token[:-3] + "abc",
        # Another account's id with this signature.
        token.replace(
            token.split(":")[0], signing.b64_encode(b'{"u":%d}' % readers[1].pk).decode()
        ),
        signed_elsewhere,
        "n'importe-quoi",
        "x" * 3000,
    ):
        response = client.post(f"/wiki/desabonnement/{bad}/")
        assert response.status_code == 400
        assert "Ce lien de désabonnement n'est pas valide" in text(response)
    assert DigestSubscription.objects.get(user=awa).frequency == Frequency.DAILY


def test_an_expired_token_says_so(client, readers):
    with time_machine.travel(SUNDAY, tick=False):
        token = digests.unsubscribe_token(readers[0])
    with time_machine.travel(SUNDAY + timedelta(days=181), tick=False):
        response = client.get(f"/wiki/desabonnement/{token}/")
    assert response.status_code == 400
    assert "Ce lien de désabonnement a expiré" in text(response)


def test_a_token_for_a_deleted_account_is_invalid(client, readers):
    token = digests.unsubscribe_token(readers[0])
    readers[0].delete()
    response = client.post(f"/wiki/desabonnement/{token}/")
    assert response.status_code == 400


def test_what_people_typed_is_escaped_in_the_html_email_and_plain_in_the_text(
    readers, ressource, author
):
    with time_machine.travel(MONDAY_10H, tick=False):
        publish(ressource, author, title="Fiche <script>alert(1)</script> & co")
        Comment.objects.create(
            page=ressource, author=author, body="<img src=x onerror=alert(1)>?", is_question=True
        )
    send()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html
    assert "Fiche &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "Fiche <script>alert(1)</script> & co : modifiée par Karim B." in message.body
    assert "« <img src=x onerror=alert(1)>? »" in message.body
