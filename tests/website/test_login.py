"""Signing in, being locked out, resetting a password: on the front end and in the admin."""

import re

import pytest
import time_machine

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from website.demo import DEMO_PASSWORD

PASSWORD = "un long mot de passe"
FRONT_LOGIN = "/compte/connexion/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/compte/mot-de-passe/oubli/"
ADMIN_RESET = "/admin/password_reset/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Empty counts (the cache outlives each test's transaction), and a clock stopped
    mid-window: a window ending in the middle of a test would start the counts again."""
    cache.clear()
    with time_machine.travel("2026-03-02 10:20 +0100", tick=False):
        yield
    cache.clear()


@pytest.fixture
def camille(django_user_model, home):
    return django_user_model.objects.create_user(
        "camille", "camille@example.org", PASSWORD, is_staff=True
    )


@pytest.fixture
def camille_admin(django_user_model, home):
    return django_user_model.objects.create_superuser("camille", "camille@example.org", PASSWORD)


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("\u2019", "'")


def fail(client, url, username="camille", times=1):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "pas le bon"})
    return response


# --- Signing in -----------------------------------------------------------------------------


def test_a_partner_signs_in_on_the_front_end_and_the_session_lasts_eight_hours(client, camille):
    response = client.post(FRONT_LOGIN, {"username": "camille", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(camille.pk)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert cookie["httponly"] is True


@pytest.mark.parametrize(("demo_enabled", "signed_in"), [(True, True), (False, False)])
def test_the_demo_password_opens_an_account_only_where_the_demo_is_enabled(
    client, django_user_model, home, settings, demo_enabled, signed_in
):
    # A database seeded with the demo and later put online must not let anyone in with it.
    settings.RELAIS_DEMO_ENABLED = demo_enabled
    django_user_model.objects.create_user("animatrice", "a@example.org", DEMO_PASSWORD)

    client.post(FRONT_LOGIN, {"username": "animatrice", "password": DEMO_PASSWORD})

    assert ("_auth_user_id" in client.session) is signed_in


def test_a_session_ends_eight_hours_after_signing_in(client, camille_admin):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client.post(ADMIN_LOGIN, {"username": "camille", "password": PASSWORD})
        traveller.shift(7 * 3600 + 50 * 60)
        assert client.get("/admin/").status_code == 200
        traveller.shift(20 * 60)

        response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_wrong_password_shows_the_form_again_with_a_french_message(client, camille):
    response = fail(client, FRONT_LOGIN)

    assert response.status_code == 200
    assert "Saisissez un nom d'utilisateur et un mot de passe valides" in text(response)


def test_the_login_page_sends_people_back_only_to_this_site(client, camille):
    response = client.post(
        FRONT_LOGIN + "?next=https://ailleurs.example.com/",
        {"username": "camille", "password": PASSWORD, "next": "https://ailleurs.example.com/"},
    )

    assert response["Location"] == "/"


def test_wagtails_own_front_end_login_shows_the_same_french_page(client, home):
    response = client.get("/_util/login/")

    assert "Connexion à l'espace des partenaires" in text(response)


# --- Lockout --------------------------------------------------------------------------------


@pytest.mark.parametrize("login_url", [FRONT_LOGIN, ADMIN_LOGIN])
def test_after_five_failed_logins_even_the_right_password_gets_the_french_lockout_page(
    client, camille_admin, login_url
):
    fail(client, login_url, times=settings.AXES_FAILURE_LIMIT)

    response = client.post(login_url, {"username": "camille", "password": PASSWORD})

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("login_url", [FRONT_LOGIN, ADMIN_LOGIN])
def test_a_success_before_the_limit_starts_the_count_again(client, camille_admin, login_url):
    fail(client, login_url, times=settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(login_url, {"username": "camille", "password": PASSWORD}).status_code == 302
    client.logout()

    fail(client, login_url, times=settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(login_url, {"username": "camille", "password": PASSWORD})

    assert response.status_code == 302


def test_a_locked_account_does_not_lock_another_account_signing_in_from_the_same_place(
    client, camille, django_user_model
):
    django_user_model.objects.create_user("dominique", "dominique@example.org", PASSWORD)
    fail(client, FRONT_LOGIN, times=settings.AXES_FAILURE_LIMIT)

    response = client.post(FRONT_LOGIN, {"username": "dominique", "password": PASSWORD})

    assert response.status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, camille):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        fail(client, FRONT_LOGIN, times=settings.AXES_FAILURE_LIMIT)
        traveller.shift(14 * 60)
        assert (
            client.post(FRONT_LOGIN, {"username": "camille", "password": PASSWORD}).status_code
            == 429
        )
        # That refused attempt started the 15 minutes again.
        traveller.shift(16 * 60)

        response = client.post(FRONT_LOGIN, {"username": "camille", "password": PASSWORD})

    assert response.status_code == 302


def test_one_address_trying_many_accounts_is_slowed_down_on_both_login_forms(client, home):
    for number in range(15):
        fail(client, FRONT_LOGIN, username=f"inconnu{number}")
        fail(client, ADMIN_LOGIN, username=f"inconnu-admin{number}")

    response = fail(client, FRONT_LOGIN, username="encore-un")
    admin_response = fail(client, ADMIN_LOGIN, username="encore-un")

    assert response.status_code == 429
    assert "Trop de demandes" in text(response)
    assert admin_response.status_code == 429


@pytest.mark.parametrize(
    "url",
    ["/_util/authenticate_with_password/1/1/", "/documents/authenticate_with_password/1/"],
)
def test_guessing_the_password_of_a_private_page_or_collection_is_slowed_down(client, home, url):
    for _ in range(10):
        assert client.post(url, {"password": "devine"}).status_code != 429

    response = client.post(url, {"password": "devine"})

    assert response.status_code == 429
    assert "Trop de demandes" in text(response)


# --- Password reset -------------------------------------------------------------------------


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body)[1]


def test_a_forgotten_password_is_reset_through_a_link_sent_by_email_in_french(client, camille):
    response = client.post(RESET, {"email": "camille@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert message.subject == "Nouveau mot de passe pour votre compte Relais"
    assert "Pour choisir un nouveau mot de passe, ouvrez ce lien" in message.body
    assert "camille" in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert "Choisir un nouveau mot de passe" in text(form_page)
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {
            "new_password1": "la rivière coule au printemps",
            "new_password2": "la rivière coule au printemps",
        },
    )
    assert done["Location"] == "/compte/mot-de-passe/change/"

    client.logout()
    login = client.post(
        FRONT_LOGIN, {"username": "camille", "password": "la rivière coule au printemps"}
    )
    assert login.status_code == 302


def test_a_reset_link_works_only_once(client, camille):
    client.post(RESET, {"email": "camille@example.org"})
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "la rivière coule au printemps",
            "new_password2": "la rivière coule au printemps",
        },
    )

    again = client.get(link, follow=True)

    assert "Ce lien n'est plus valable" in text(again)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court2024", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("123456789012345", "Ce mot de passe est entièrement numérique."),
        ("password1234", "Ce mot de passe est trop courant."),
        (
            "camille@example.org",
            "Le mot de passe est trop semblable au champ « adresse électronique ».",
        ),
    ],
)
def test_a_weak_new_password_is_refused_with_a_french_explanation(
    client, camille, password, message
):
    client.post(RESET, {"email": "camille@example.org"})
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )

    assert response.status_code == 200
    assert message in text(response).replace("\xa0", " ")


def test_an_unknown_address_gets_the_same_check_your_mailbox_page_and_no_email(client, camille):
    known = client.post(RESET, {"email": "camille@example.org"}, follow=True)
    mail.outbox.clear()

    unknown = client.post(RESET, {"email": "personne@example.org"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert "Vérifiez votre messagerie" in text(unknown)
    assert mail.outbox == []


def test_the_admins_password_reset_sends_a_french_email(client, camille_admin):
    response = client.post(ADMIN_RESET, {"email": "camille@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/admin/password_reset/confirm/" in body
    assert "mot de passe" in body.lower()


def test_a_sixth_reset_request_in_an_hour_is_refused_in_french_whichever_form_is_used(
    client, camille_admin
):
    for url in (RESET, ADMIN_RESET, RESET, ADMIN_RESET, RESET):
        assert client.post(url, {"email": "camille@example.org"}).status_code == 302

    front = client.post(RESET, {"email": "camille@example.org"})
    admin = client.post(ADMIN_RESET, {"email": "camille@example.org"})

    assert front.status_code == admin.status_code == 429
    assert "Patientez quelques minutes" in text(front)
    assert int(front["Retry-After"]) > 0
    assert len(mail.outbox) == 5


# --- Hostile input --------------------------------------------------------------------------


HOSTILE_FORMS = [
    pytest.param({"username": "cam\x00ille", "password": "x"}, id="nul-in-username"),
    pytest.param({"username": "a" * 5000, "password": "b" * 5000}, id="5000-characters"),
    pytest.param({"username": "\x01\x1b[31m\u202e", "password": "\x7f"}, id="control-characters"),
    pytest.param({"username": ["a", "b"], "password": ["c", "d"]}, id="repeated-fields"),
    pytest.param({"email": "x" * 5000 + "@example.org"}, id="very-long-email"),
    pytest.param({"email": "camille@exam\x00ple.org"}, id="nul-in-email"),
    pytest.param({}, id="empty"),
]


@pytest.mark.parametrize("url", [FRONT_LOGIN, ADMIN_LOGIN, RESET, ADMIN_RESET])
@pytest.mark.parametrize("data", HOSTILE_FORMS)
def test_hostile_form_input_gets_a_french_answer_never_a_server_error(client, camille, url, data):
    response = client.post(url, data)

    # 413: the front end's forms take at most 8 KB.
    assert response.status_code in (200, 302, 400, 413)
    if response.status_code != 302:
        assert 'lang="fr"' in text(response)


RAW_BODIES = [
    pytest.param(
        b"username=%FF%FE%FD&password=%C0%AF",
        "application/x-www-form-urlencoded",
        200,
        id="invalid-utf8",
    ),
    pytest.param(
        b"x" * (6 * 1024 * 1024), "application/x-www-form-urlencoded", 413, id="6-mb-form"
    ),
    pytest.param(
        b"&".join(b"f%d=1" % n for n in range(12_000)),
        "application/x-www-form-urlencoded",
        400,
        id="12000-fields",
    ),
    pytest.param(
        b"--abc\r\nnot really multipart",
        "multipart/form-data; boundary=abc",
        200,
        id="truncated-multipart",
    ),
    pytest.param(b"--abc\r\n", "multipart/form-data", 400, id="multipart-without-boundary"),
    pytest.param(
        b"username=a&password=b",
        "application/x-www-form-urlencoded; charset=nonsense",
        200,
        id="unknown-charset",
    ),
    pytest.param(
        b"username=\xff\xfe&password=b",
        "application/x-www-form-urlencoded; charset=utf-16",
        400,
        id="utf16-declared-garbage-sent",
    ),
    pytest.param(b'{"username": "camille"}', "application/json", 200, id="json"),
]


@pytest.mark.parametrize("url", [FRONT_LOGIN, ADMIN_LOGIN, RESET])
@pytest.mark.parametrize(("body", "content_type", "status"), RAW_BODIES)
def test_malformed_or_oversized_bodies_get_a_french_page_never_a_server_error(
    client, home, url, body, content_type, status
):
    response = client.generic("POST", url, body, content_type=content_type)

    assert response.status_code == status
    assert 'lang="fr"' in text(response)


def test_a_huge_upload_to_a_form_is_refused_before_it_is_read(client, home):
    response = client.generic(
        "POST",
        FRONT_LOGIN,
        b"",
        content_type="multipart/form-data; boundary=abc",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)


@pytest.mark.parametrize("url", [FRONT_LOGIN, ADMIN_LOGIN, RESET])
def test_a_form_sent_without_its_csrf_token_gets_a_french_page(home, url):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")

    response = client.post(url, {"username": "camille", "password": PASSWORD, "email": "a@b.fr"})

    assert response.status_code == 403
    assert "Formulaire expiré" in text(response)
