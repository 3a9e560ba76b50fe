"""website's email opt-in machinery, on its own: signed links and keys that nobody can alter or
reuse elsewhere, the double opt-in (confirming twice, forgetting unconfirmed addresses), the
link pages (GET asks, POST does it, a mail client's one-click POST needs no CSRF token, hostile
links get a French message and a 4xx, never a 500), the list email and the resumable send."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import locmem
from django.test import Client

from tests.clients import text
from veille.models import Alert
from website import mailing

from .urls_mailing import LINK

pytestmark = pytest.mark.urls("tests.website.urls_mailing")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INVALID = "Ce lien n'est pas valide"


@pytest.fixture
def alert(db):
    """An alert signed up for at NOW, the clock stopped there for the test."""
    with time_machine.travel(NOW, tick=False):
        yield Alert.objects.create(email="voisine@example.org", query="theme=jeunesse")


# --- Signed links ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_signed_link_gives_back_its_id_and_any_change_breaks_it():
    token = LINK.make(42)
    assert LINK.read(token) == 42
    payload, stamp, signature = token.split(":")
    other_row = signing.b64_encode(b'{"u":43}').decode()
    for altered in (
        f"{payload}:{stamp}:{signature[:-2]}xy",
        f"{other_row}:{stamp}:{signature}",  # another row's id under this signature
        f"{payload}:{signing.b62_encode(int(NOW.timestamp()) + 60)}:{signature}",
        mailing.SignedLink(salt="autre.usage", max_age=timedelta(days=30)).make(42),
    ):
        with pytest.raises(mailing.LinkError) as refused:
            LINK.read(altered)
        assert refused.value.reason == "invalid" and refused.value.status == 400


@time_machine.travel(NOW, tick=False)
def test_a_signed_link_expires_after_its_max_age():
    token = LINK.make(42)
    later = time_machine.travel(NOW + timedelta(days=30, minutes=1), tick=False)
    with later, pytest.raises(mailing.ExpiredLink) as refused:
        LINK.read(token)
    assert refused.value.reason == "expired" and refused.value.status == 400


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x" * (mailing.MAX_TOKEN_LENGTH + 1),
        "n'importe-quoi",
        "a:b:c",
        "\x00:\x00:\x00",
        "été:ça:où",
        # Signed with this very salt, but not what a link carries. Named: a signature holds the
        # time, and pytest-xdist's workers must collect the same test ids.
        pytest.param(
            signing.TimestampSigner(salt="tests.mailing").sign_object([42]), id="signed-list"
        ),
        pytest.param(
            signing.TimestampSigner(salt="tests.mailing").sign_object({"u": "42"}),
            id="signed-text-id",
        ),
        pytest.param(
            signing.TimestampSigner(salt="tests.mailing").sign_object({"u": True}),
            id="signed-boolean-id",
        ),
    ],
)
def test_a_token_that_is_not_one_is_refused_without_an_error(token):
    with pytest.raises(mailing.LinkError):
        LINK.read(token)


def test_full_links_are_under_the_site_address():
    assert mailing.absolute_url("/veille/") == "http://localhost/veille/"
    assert mailing.absolute_url("https://ailleurs.example/x") == "https://ailleurs.example/x"


# --- The double opt-in's address -------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_signing_up_twice_keeps_one_row_and_an_unconfirmed_one_takes_the_new_choice(db):
    first = Alert.sign_up(email=" Voisine@Example.org ", defaults={"frequency": "quotidienne"})
    again = Alert.sign_up(email="voisine@example.org", defaults={"frequency": "hebdomadaire"})
    assert again.pk == first.pk and Alert.objects.count() == 1
    assert first.email == "Voisine@Example.org"
    assert Alert.objects.get().frequency == "hebdomadaire"
    again.confirm()
    Alert.sign_up(email="voisine@example.org", defaults={"frequency": "quotidienne"})
    assert Alert.objects.get().frequency == "hebdomadaire"  # confirmed: changed by its owner only
    Alert.sign_up(email="voisine@example.org", query="autre", defaults={})
    assert Alert.objects.count() == 2


def test_a_confirmed_address_confirming_again_keeps_its_first_date(alert):
    alert.confirm()
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        Alert.objects.get().confirm()
    assert Alert.objects.get().confirmed_at == NOW


def test_an_unconfirmed_address_is_forgotten_after_the_delay_and_a_confirmed_one_kept(db):
    with time_machine.travel(NOW, tick=False):
        waiting = Alert.objects.create(email="attente@example.org")
        kept = Alert.objects.create(email="gardee@example.org", confirmed_at=NOW)
    days = mailing.UNCONFIRMED_DAYS
    assert Alert.purge_unconfirmed(NOW + timedelta(days=days) - timedelta(seconds=1)) == 0
    assert Alert.purge_unconfirmed(NOW + timedelta(days=days, seconds=1)) == 1
    assert list(Alert.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Alert.objects.filter(pk=waiting.pk).exists()


@pytest.mark.parametrize("key", ["", "\x00", "x" * 65, "clé", "a b", "' OR 1=1 --", "../.."])
def test_a_key_of_the_wrong_shape_finds_nothing_and_never_reaches_the_database(
    alert, key, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert Alert.by_key(key) is None
    assert Alert.by_key(alert.key) == alert


# --- The link pages --------------------------------------------------------------------------


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_confirmation_link_asks_then_confirms_once(client, home, alert):
    url = f"/essai/confirmer/{alert.key}/"
    page = client.get(url)
    assert page.status_code == 200 and 'method="post"' in text(page)
    assert_private(page)
    assert Alert.objects.get().confirmed_at is None  # a mail scanner's GET confirms nothing
    done = client.post(url)
    assert done.status_code == 200 and "C'est fait." in text(done)
    assert 'method="post"' not in text(done)
    assert Alert.objects.get().confirmed_at == NOW
    # The link followed again, or the button pressed again: it says so, nothing changes.
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert "C'est fait." in text(client.get(url))
        assert client.post(url).status_code == 200
    assert Alert.objects.get().confirmed_at == NOW


def test_the_confirmation_needs_the_page_s_csrf_token(home, alert):
    response = Client(HTTP_HOST="localhost", enforce_csrf_checks=True).post(
        f"/essai/confirmer/{alert.key}/"
    )
    assert response.status_code == 403
    assert Alert.objects.get().confirmed_at is None


def test_a_confirmation_link_for_an_address_gone_says_so_with_a_404(client, home, alert):
    url = f"/essai/confirmer/{alert.key}/"
    alert.delete()
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404 and INVALID in text(response)
        assert_private(response)
    assert not Alert.objects.exists()


def test_unsubscribing_by_get_asks_and_by_post_deletes_even_from_a_mail_client(home, alert):
    url = f"/essai/desabonner/{alert.key}/"
    browser = Client(HTTP_HOST="localhost")
    page = browser.get(url)
    assert page.status_code == 200 and 'method="post"' in text(page)
    assert_private(page)
    assert Alert.objects.exists()
    # RFC 8058: the mail client posts this body, with no cookie and no CSRF token.
    response = Client(HTTP_HOST="localhost", enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "C'est fait." in text(response)
    assert not Alert.objects.exists()
    # The same link again (replayed, or followed later): done already, still a 200.
    assert "C'est fait." in text(browser.post(url))
    assert "C'est fait." in text(browser.get(url))


def test_a_signed_unsubscribe_link_works_until_it_expires(client, home, alert):
    token = LINK.make(alert.pk)
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        expired = client.post(f"/essai/signe/{token}/")
    assert expired.status_code == 400 and "Ce lien a expiré" in text(expired)
    assert Alert.objects.exists()
    with time_machine.travel(NOW + timedelta(days=29), tick=False):
        assert client.post(f"/essai/signe/{token}/").status_code == 200
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("x" * 3000, INVALID),
        ("%C3%A9t%C3%A9", INVALID),
        ("%27%20OR%201%3D1%20--", INVALID),
        ("eyJ1Ijo0Mn0:1uABCD:forged", INVALID),
        # The site refuses a NUL anywhere before any view reads it (PostgreSQL cannot hold one).
        ("%00", "Demande incorrecte"),
        ("a%00b:c:d", "Demande incorrecte"),
    ],
)
def test_hostile_or_oversized_links_get_a_french_message_and_a_4xx_never_a_500(
    client, home, alert, token, message
):
    client.raise_request_exception = False
    for url in (f"/essai/signe/{token}/", f"/essai/confirmer/{token}/"):
        for response in (client.get(url), client.post(url)):
            assert response.status_code in (400, 404), url
            assert message in text(response)
    assert Alert.objects.get().confirmed_at is None


def test_other_methods_are_refused(client, home, alert):
    assert client.put(f"/essai/desabonner/{alert.key}/").status_code == 405
    assert client.delete(f"/essai/desabonner/{alert.key}/").status_code == 405
    assert Alert.objects.exists()


def test_a_flood_of_link_posts_meets_the_guard(client, home, alert):
    for _number in range(20):
        client.post(f"/essai/signe/{'y' * 20}/")
    assert client.post(f"/essai/signe/{'y' * 20}/").status_code == 429
    assert client.post(f"/essai/desabonner/{alert.key}/", {"x": "y" * 2000}).status_code == 413
    assert Alert.objects.exists()


# --- The emails ------------------------------------------------------------------------------

FOOTER = mailing.Footer(
    reason="Vous recevez ceci parce que vous l'avez demandé.",
    back_label="Vos réglages",
    back_url="http://localhost/reglages/",
    unsubscribe_label="Se désabonner",
    unsubscribe_url="http://localhost/desabonner/cle/",
)


def test_a_list_email_carries_its_footer_and_the_one_click_unsubscribe_headers(alert):
    email = mailing.list_email(
        "ressources/emails/digest",
        {"name": "Awa <b>", "lines": [], "start": NOW, "last_day": NOW.date(), "total": 1},
        to="awa@example.org",
        footer=FOOTER,
        key="wiki-resume-7-2026-10-19T06:00:00+00:00",
        html=True,
    )
    assert email.to == ["awa@example.org"]
    assert email.extra_headers == {
        "List-Unsubscribe": "<http://localhost/desabonner/cle/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": "<wiki-resume-7-2026-10-19t0600000000.relais@localhost>",
    }
    assert email.message()["Message-ID"] == email.extra_headers["Message-ID"]
    assert email.subject == "Relais · wiki : 1 nouveauté dans ce que vous suivez"
    assert email.body.rstrip().endswith(
        "--\nVous recevez ceci parce que vous l'avez demandé.\n"
        "Vos réglages : http://localhost/reglages/\n"
        "Se désabonner : http://localhost/desabonner/cle/"
    )
    assert "Bonjour Awa <b>," in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html" and "Awa &lt;b&gt;" in html
    assert '<a href="http://localhost/desabonner/cle/">Se désabonner</a>' in html
    assert "vous l&#x27;avez demandé" in html


def test_the_confirmation_email_leaves_through_the_task_queue_with_the_delay(alert):
    mailing.send_confirmation(
        "veille/emails/confirm",
        {"alert": alert, "confirm_url": alert.confirm_url, "unsubscribe_url": "x"},
        to=alert.email,
    )
    [email] = mail.outbox
    assert email.to == ["voisine@example.org"]
    assert f"http://localhost/alertes/confirmer/{alert.key}/" in email.body
    assert f"effacée dans {mailing.UNCONFIRMED_DAYS} jours" in email.body


# --- Sending a batch -------------------------------------------------------------------------


class Backend(locmem.EmailBackend):
    """The test backend, except that the server refuses addresses with "refus" and dies on
    those with "panne"."""

    def send_messages(self, messages):
        for message in messages:
            if "refus" in message.to[0]:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"inconnu")})
            if "panne" in message.to[0]:
                raise RuntimeError("le processus meurt")
            super().send_messages([message])
        return len(messages)


@pytest.fixture
def server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.Backend"


def batch(addresses, done):
    return mailing.send_each(
        addresses,
        compose=lambda to: EmailMultiAlternatives("Objet", "Texte", to=[to]) if to else None,
        done=done.append,
        label="Essai",
    )


def test_each_email_is_marked_done_right_after_it_left_and_silent_items_too(server):
    done = []
    counts = batch(["a@example.org", "", "b@example.org"], done)
    assert (counts.sent, counts.silent, counts.failed) == (2, 1, 0)
    assert done == ["a@example.org", "", "b@example.org"]
    assert [message.to for message in mail.outbox] == [["a@example.org"], ["b@example.org"]]


def test_a_refused_address_is_left_for_the_next_run_while_the_others_go(server):
    done = []
    counts = batch(["a@example.org", "refus@example.org", "b@example.org"], done)
    assert (counts.sent, counts.failed) == (2, 1)
    assert done == ["a@example.org", "b@example.org"]


def test_a_run_that_dies_has_marked_exactly_what_left(server):
    done = []
    with pytest.raises(RuntimeError):
        batch(["a@example.org", "panne@example.org", "b@example.org"], done)
    assert done == ["a@example.org"]
    assert [message.to for message in mail.outbox] == [["a@example.org"]]
