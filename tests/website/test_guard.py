"""The public-form guard, through a form built the way every later public form is built.

The form and its view live in this module (with their own URL, ahead of the site's) because
the first real public forms arrive with the apps; the search page, already guarded, is
driven as it is.
"""

import re

import pytest
import time_machine

from django import forms
from django.contrib.auth.models import Group
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import include, path

from website.guard import HoneypotFormMixin, public_form


class ProposalForm(HoneypotFormMixin, forms.Form):
    message = forms.CharField(max_length=2000)


@public_form(scope="essai-proposition", limit=10, window=3600, max_bytes=16 * 1024)
def propose(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return HttpResponse("Merci, votre proposition est enregistrée.")
    page = Template("<form method='post'>{% for field in form %}{{ field }}{% endfor %}</form>")
    return HttpResponse(page.render(Context({"form": form})))


urlpatterns = [
    path("essai/proposer/", propose),
    path("", include("website.urls")),
]
FORM = "/essai/proposer/"
with_test_form = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Empty counts (the cache outlives each test's transaction), and a clock stopped
    mid-window: a window ending in the middle of a test would start the counts again."""
    cache.clear()
    with time_machine.travel("2026-03-02 10:20 +0100", tick=False):
        yield
    cache.clear()


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def send(client, times=1, **extra):
    for _ in range(times):
        response = client.post(FORM, {"message": "Un atelier mardi"}, **extra)
    return response


# --- Rate limit -----------------------------------------------------------------------------


@with_test_form
def test_a_visitor_who_sends_the_form_eleven_times_in_an_hour_is_refused_with_a_french_message(
    client, home
):
    for _ in range(10):
        assert send(client).content == "Merci, votre proposition est enregistrée.".encode()

    response = send(client)

    assert response.status_code == 429
    assert "Trop de demandes" in text(response)
    assert "ce que vous avez saisi n'est pas perdu" in text(response)
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response["Content-Security-Policy"]  # a refusal is a page like any other


@with_test_form
def test_the_next_hour_the_visitor_can_send_again(client, home):
    with time_machine.travel("2026-03-02 10:05 +0100", tick=False) as traveller:
        send(client, times=11)
        traveller.shift(3600)

        response = send(client)

    assert response.status_code == 200


@with_test_form
def test_looking_at_the_form_does_not_count(client, home):
    for _ in range(20):
        assert client.get(FORM).status_code == 200

    assert send(client).status_code == 200


@with_test_form
def test_another_address_is_counted_on_its_own(client, home):
    send(client, times=11, REMOTE_ADDR="198.51.100.1")

    assert send(client, REMOTE_ADDR="198.51.100.2").status_code == 200


@with_test_form
def test_addresses_of_one_ipv6_network_are_counted_together(client, home):
    for host in range(11):
        response = send(client, REMOTE_ADDR=f"2001:db8:1:2::{host + 1:x}")

    assert response.status_code == 429
    assert send(client, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


@with_test_form
@override_settings(RELAIS_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_address_it_saw_counts_not_what_the_visitor_wrote(client, home):
    for number in range(10):
        send(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.9")

    response = send(client, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9")

    assert response.status_code == 429
    assert send(client, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


@with_test_form
def test_without_a_trusted_proxy_a_forged_forwarded_for_header_changes_nothing(client, home):
    for number in range(10):
        send(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")

    assert send(client, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429


@with_test_form
def test_a_garbage_forwarded_for_header_falls_back_to_the_connection_address(client, home):
    with override_settings(RELAIS_TRUSTED_PROXY_COUNT=1):
        response = send(client, HTTP_X_FORWARDED_FOR="<script>, pas-une-adresse")

    assert response.status_code == 200


@pytest.fixture
def database_cache(db):
    """Django's DatabaseCache, the embedded default, in the test database."""
    settings = {
        DEFAULT_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "relais_cache_test",
        }
    }
    with override_settings(CACHES=settings):
        call_command("createcachetable", verbosity=0)
        yield


@with_test_form
def test_the_count_lives_in_the_shared_database_cache_and_holds_across_servers(
    client, home, database_cache
):
    for _ in range(10):
        # Each request gets a new cache connection, as a request on another server would:
        # nothing of the count stays in this process.
        del caches[DEFAULT_CACHE_ALIAS]
        assert send(client).status_code == 200
    del caches[DEFAULT_CACHE_ALIAS]

    response = send(client)

    assert response.status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM relais_cache_test")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("guard:essai-proposition:" in key for key in keys)
    # Another server's own cache object reads the same count.
    other_server = DatabaseCache("relais_cache_test", {})
    key = next(key for key in keys if "guard:essai-proposition:" in key).split(":", 2)[2]
    assert other_server.get(key) == 11
    # The cache keeps no readable client address.
    assert not any("127.0.0.1" in key for key in keys)


# --- Honeypot and size ----------------------------------------------------------------------


@with_test_form
def test_the_honeypot_field_is_hidden_from_people_and_skipped_by_the_keyboard(client, home):
    page = client.get(FORM).content.decode()

    field = re.search(r'<input[^>]*name="site_web"[^>]*>', page)[0]
    assert 'class="honeypot"' in field
    assert 'tabindex="-1"' in field
    assert 'aria-hidden="true"' in field
    assert 'autocomplete="off"' in field


@with_test_form
def test_a_robot_that_fills_the_honeypot_is_refused_in_french_and_nothing_is_saved(client, home):
    response = client.post(FORM, {"message": "Promo !", "site_web": "https://spam.example"})

    assert response.status_code == 400
    assert "un champ réservé à la détection des robots a été rempli" in text(response)
    assert "Merci" not in text(response)


def test_the_honeypot_form_refuses_a_filled_honeypot_even_without_the_decorator():
    form = ProposalForm({"message": "Bonjour", "site_web": "x"})

    assert not form.is_valid()
    assert "site_web" in form.errors


def test_the_honeypot_mixin_works_with_a_model_form(db):
    class GroupForm(HoneypotFormMixin, forms.ModelForm):
        class Meta:
            model = Group
            fields = ["name"]

    form = GroupForm({"name": "Bénévoles"})

    assert list(form.fields) == ["site_web", "name"] or set(form.fields) == {"site_web", "name"}
    assert form.is_valid()
    assert form.save().name == "Bénévoles"


@with_test_form
def test_a_message_over_the_forms_size_limit_is_refused_in_french(client, home):
    response = client.post(FORM, {"message": "a" * 20_000})

    assert response.status_code == 413
    assert "dépasse la taille autorisée (16 Ko)" in text(response)


# --- Hostile input on public pages ----------------------------------------------------------


@pytest.mark.search
@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param("q=" + "atelier " * 625, 200, id="5000-characters"),
        pytest.param("q=atelier%00numérique", 400, id="nul"),
        pytest.param("q=%00", 400, id="only-nul"),
        pytest.param("q=%01%02%1b%7f%e2%80%ae", 200, id="control-characters"),
        pytest.param("q=%FF%FE%C0%AF", 200, id="invalid-utf8"),
        pytest.param("q=a&q=b&q=c", 200, id="repeated"),
        pytest.param("q[]=a&q[x]=b", 200, id="brackets"),
        pytest.param("q=atelier&page=abc", 200, id="page-not-a-number"),
        pytest.param("q=atelier&page=-1", 200, id="negative-page"),
        pytest.param("q=atelier&page=99999999999999999999999", 200, id="huge-page"),
        pytest.param("q=" + "%" * 50, 200, id="broken-escapes"),
        pytest.param("q=%25%27%22%3C%3E%3B--%20OR%201%3D1", 200, id="sql-ish"),
        pytest.param("q=atelier%20AND%20(NOT%20%22", 200, id="unbalanced-operators"),
        pytest.param("q=title%3Ax%20%5Ba%20TO%20*%20~2%5E3", 200, id="query-syntax"),
    ],
)
def test_the_search_page_answers_hostile_queries_without_a_server_error(
    client, home, query, status
):
    response = client.get("/recherche/?" + query)

    assert response.status_code == status
    assert 'lang="fr"' in text(response)


@pytest.mark.search
def test_the_search_page_slows_down_an_address_sending_over_120_searches_a_minute(client, home):
    for number in range(120):
        assert client.get(f"/recherche/?q=mot{number}").status_code == 200

    response = client.get("/recherche/?q=encore")

    assert response.status_code == 429
    assert "Trop de demandes" in text(response)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        pytest.param("/agenda%00/", 400, id="nul-in-path"),
        pytest.param("/%FF%FE/", 404, id="invalid-utf8-path"),
        pytest.param("/" + "a" * 5000 + "/", 404, id="5000-character-path"),
        pytest.param("/%01%1b/", 404, id="control-characters-path"),
        pytest.param("/../../etc/passwd", 404, id="traversal"),
        pytest.param("/documents/999/inexistant.pdf", 404, id="unknown-document"),
        pytest.param("/documents/abc/x.pdf", 404, id="document-id-not-a-number"),
        pytest.param("/?%00=1", 400, id="nul-in-parameter-name"),
    ],
)
def test_hostile_paths_get_a_french_page_never_a_server_error(client, home, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert 'lang="fr"' in text(response)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({"HTTP_COOKIE": "sessionid=abcdefgh\x00ijkl"}, id="nul-in-session-cookie"),
        pytest.param({"HTTP_USER_AGENT": "Mozilla\x00/5.0"}, id="nul-in-user-agent"),
        pytest.param({"HTTP_ACCEPT": "text/html\x00"}, id="nul-in-accept"),
    ],
)
@pytest.mark.parametrize("url", ["/", "/compte/connexion/"])
def test_a_nul_in_a_header_gets_a_french_page_never_a_server_error(client, home, header, url):
    # Both reach the database: the session cookie, and what django-axes records of a failure.
    page = client.get(url, **header)
    login = client.post(url, {"username": "camille", "password": "pas le bon"}, **header)

    assert page.status_code == login.status_code == 400
    assert "Demande incorrecte" in text(login)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({"HTTP_COOKIE": "sessionid=" + "a" * 5000}, id="5000-character-session"),
        pytest.param({"HTTP_COOKIE": "csrftoken=%%%; sessionid=;;;"}, id="garbled-cookies"),
        pytest.param({"HTTP_USER_AGENT": "é" * 5000}, id="long-user-agent"),
        pytest.param({"HTTP_ACCEPT_LANGUAGE": "xx-" * 500}, id="odd-accept-language"),
    ],
)
def test_odd_headers_on_a_failed_login_never_cause_a_server_error(client, home, header):
    response = client.post(
        "/compte/connexion/", {"username": "camille", "password": "pas le bon"}, **header
    )

    assert response.status_code == 200
    assert "Saisissez un nom" in text(response)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize(
    "url", ["/", "/recherche/", "/compte/connexion/", "/healthz", "/robots.txt"]
)
def test_unusual_methods_never_cause_a_server_error(client, home, method, url):
    response = client.generic(method, url)

    assert response.status_code < 500


@override_settings(ALLOWED_HOSTS=["relais.example.org"])
def test_a_request_for_an_unknown_host_gets_a_short_french_page(client, home):
    response = client.get("/", HTTP_HOST="ailleurs.example.com")

    assert response.status_code == 400
    assert "Adresse inconnue" in text(response)
