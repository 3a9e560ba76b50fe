"""Alerts: anyone saves a filtered search, confirms their address (double opt-in), then gets a
daily or weekly digest of new matching calls and of matching calls closing within 7 days.
`send_veille_alerts` is idempotent and resumes after a crash; every email unsubscribes in one
click, which deletes the address. Bad and hostile input gets a French answer and saves nothing.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.clients import text
from veille.models import Alert

from .conftest import NOW, call, days


@pytest.fixture
def calls(veille, theme_inclusion):
    return {
        "inclusion": call(
            veille, "Inclusion numérique en Savoie", deadline=days(40), themes=[theme_inclusion]
        ),
        "autre": call(veille, "Rénovation des gymnases", deadline=days(40)),
    }


def subscribe(client, query="theme=inclusion-numerique", email="voisine@example.org", **extra):
    return client.post(
        "/veille/alerte/",
        {"email": email, "frequency": "quotidienne", "recherche": query, "site_web": ""} | extra,
    )


def link(message, kind: str) -> str:
    return re.search(rf"http://localhost(/alertes/{kind}/[^/\s]+/)", message.body).group(1)


def confirmed(client, query="theme=inclusion-numerique", email="voisine@example.org") -> Alert:
    subscribe(client, query, email)
    client.post(link(mail.outbox[-1], "confirmer"))
    return Alert.objects.get(email=email, query=query)


def run(at: datetime | None = None) -> list:
    before = len(mail.outbox)
    with time_machine.travel(at or NOW, tick=False):
        call_command("send_veille_alerts", verbosity=0)
    return mail.outbox[before:]


def test_subscribing_sends_a_confirmation_and_nothing_until_confirmed(client, calls):
    response = subscribe(client)
    assert response.status_code == 200
    assert "Confirmez votre adresse" in text(response)
    alert = Alert.objects.get()
    assert alert.confirmed_at is None and alert.label == "Inclusion numérique"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["voisine@example.org"]
    assert "Inclusion numérique" in mail.outbox[0].body
    assert run() == []
    # Following the link shows a button; a mail scanner's GET confirms nothing.
    page = client.get(link(mail.outbox[0], "confirmer"))
    assert "Confirmer mon alerte" in text(page) and "no-store" in page["Cache-Control"]
    assert Alert.objects.get().confirmed_at is None
    client.post(link(mail.outbox[0], "confirmer"))
    assert Alert.objects.get().confirmed_at is not None


def test_the_first_digest_lists_the_matching_open_calls_and_runs_are_idempotent(client, calls):
    confirmed(client)
    sent = run()
    assert len(sent) == 1
    body = sent[0].body
    assert "Inclusion numérique en Savoie" in body and "Rénovation des gymnases" not in body
    assert "http://localhost/veille/inclusion-numerique-en-savoie/" in body
    assert sent[0].subject == "Veille financements : 1 appel à regarder"
    assert run() == []  # the same day again: nothing
    assert run(NOW + timedelta(days=1)) == []  # nothing new the next day: no email


def test_a_new_matching_call_and_a_deadline_entering_the_week_are_sent_once(
    client, calls, veille, theme_inclusion
):
    confirmed(client)
    run()
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        call(veille, "Nouvel appel inclusion", deadline=days(60), themes=[theme_inclusion])
        call(veille, "Nouvel appel sans rapport", deadline=days(60))
    [digest] = run(NOW + timedelta(days=1))
    assert "Nouvel appel inclusion" in digest.body and "sans rapport" not in digest.body
    assert "Inclusion numérique en Savoie" not in digest.body
    # 40 days ahead: it enters the 7-day window on day 33, and is reminded once.
    assert run(NOW + timedelta(days=32)) == []
    [reminder] = run(NOW + timedelta(days=33))
    assert "SE TERMINENT DANS LES 7 JOURS" in reminder.body
    assert "Inclusion numérique en Savoie" in reminder.body
    assert run(NOW + timedelta(days=34)) == []


def test_an_alert_on_open_calls_still_reminds_a_week_before_the_deadline(client, calls):
    confirmed(client, query="statut=ouvert&theme=inclusion-numerique")
    [first] = run()
    assert "Inclusion numérique en Savoie" in first.body
    # 30 days before its deadline the call is "closing soon", and still an open call.
    [reminder] = run(NOW + timedelta(days=33))
    assert "SE TERMINENT DANS LES 7 JOURS" in reminder.body
    assert "Inclusion numérique en Savoie" in reminder.body


def test_a_weekly_alert_waits_a_week(client, calls, veille, theme_inclusion):
    subscribe(client, frequency="hebdomadaire")
    client.post(link(mail.outbox[-1], "confirmer"))
    assert len(run()) == 1
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        call(veille, "Encore un appel inclusion", deadline=days(60), themes=[theme_inclusion])
    assert run(NOW + timedelta(days=6)) == []
    [digest] = run(NOW + timedelta(days=7))
    assert "Encore un appel inclusion" in digest.body


def test_a_crash_repeats_at_most_the_email_in_flight_and_skips_none(client, calls, settings):
    confirmed(client, email="premiere@example.org")
    confirmed(client, email="en-panne@example.org")
    confirmed(client, email="troisieme@example.org")
    settings.EMAIL_BACKEND = "tests.veille.failing_mail.ServerDownFor"
    with pytest.raises(ConnectionError):
        run()
    assert [message.to for message in mail.outbox[-1:]] == [["premiere@example.org"]]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resumed = run(NOW + timedelta(minutes=5))
    assert [message.to for message in resumed] == [
        ["en-panne@example.org"],
        ["troisieme@example.org"],
    ]


def test_every_digest_unsubscribes_in_one_click_and_deletes_the_address(client, calls):
    confirmed(client)
    [digest] = run()
    url = link(digest, "desabonner")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://localhost{url}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert = Alert.objects.get()
    assert (
        digest.extra_headers["Message-ID"]
        == f"<veille-alerte-{alert.pk}-2026-10-19.relais@localhost>"
    )
    assert "Me désabonner" in text(client.get(url))
    assert Alert.objects.exists()
    # A mail client's one-click post: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Alert.objects.filter(email="voisine@example.org").exists()
    assert "Vous êtes désabonné" in text(client.get(url))


def test_unconfirmed_addresses_are_forgotten_after_a_week(client, calls):
    subscribe(client)
    run(NOW + timedelta(days=6))
    assert Alert.objects.exists()
    run(NOW + timedelta(days=8))
    assert not Alert.objects.exists()


def test_subscribing_twice_keeps_one_alert(client, calls):
    subscribe(client)
    subscribe(client, email="VOISINE@example.org")
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse"}, "Cette adresse électronique n'est pas valide"),
        ({"email": ""}, "Indiquez l'adresse à laquelle envoyer l'alerte."),
        (
            {"email": "a" * 250 + "@example.org"},
            "Assurez-vous que cette valeur comporte au plus 254",
        ),
        ({"frequency": "chaque-heure"}, "Choisissez « chaque jour » ou « chaque semaine »."),
        ({"recherche": "theme=disparu"}, "Cette recherche n'est plus valable"),
        ({"recherche": "admin=1&theme=jeunesse"}, "Cette recherche n'est plus valable"),
    ],
)
def test_bad_subscriptions_are_refused_in_french_keeping_what_was_typed(
    client, calls, data, message
):
    fields = {"email": "voisine@example.org", "frequency": "quotidienne", "recherche": ""} | data
    response = client.post("/veille/alerte/", fields | {"site_web": ""})
    assert response.status_code == 400
    html = text(response)
    assert message in html
    if fields["email"]:
        assert f'value="{fields["email"]}"' in html
    assert not Alert.objects.exists() and not mail.outbox


def test_robots_and_floods_are_refused(client, calls):
    assert subscribe(client, site_web="http://spam.example").status_code == 400
    big = subscribe(client, email="x" * 9000 + "@example.org")
    assert big.status_code == 413
    for _number in range(9):
        subscribe(client, email=f"personne{_number}@example.org")
    assert subscribe(client, email="encore@example.org").status_code == 429
    assert Alert.objects.count() == 9


def test_unknown_links_say_so_in_french(client, calls):
    assert client.get("/alertes/confirmer/inconnu/").status_code == 404
    assert "Ce lien ne correspond à aucune alerte" in text(client.get("/alertes/confirmer/x/"))
    assert "Vous êtes désabonné" in text(client.post("/alertes/desabonner/" + "z" * 300 + "/"))


def test_the_listing_links_to_the_form_for_its_own_search(client, calls):
    listing = text(client.get("/veille/?theme=inclusion-numerique"))
    assert "csrfmiddlewaretoken" not in listing
    href = re.search(r'href="([^"]*/veille/alerte/\?recherche=[^"]*)"', listing).group(1)
    form = client.get(href.replace("&amp;", "&"))
    assert form.status_code == 200
    html = text(form)
    assert "Votre recherche : Inclusion numérique" in html
    assert 'name="recherche" value="theme=inclusion-numerique"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    "query", ["theme=disparu", "admin=1", "theme=" + "x" * 5000, "statut=%00", "<script>"]
)
def test_a_form_asked_for_a_search_that_is_no_more_says_so(client, calls, query):
    response = client.get("/veille/alerte/", {"recherche": query})
    assert response.status_code == 400
    assert "Cette recherche n'est plus valable" in text(response)
    assert "<script>" not in response.content.decode()


def test_the_listing_is_served_from_the_page_cache(client, calls, settings):
    settings.RELAIS_PAGE_CACHE_SECONDS = 300
    client.get("/veille/")  # the site's settings are created on first use: a write
    assert client.get("/veille/").get("X-Cache") == "miss"
    assert client.get("/veille/").get("X-Cache") == "hit"
