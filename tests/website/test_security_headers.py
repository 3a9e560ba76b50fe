"""Security headers on every response: public pages, the admin, errors, feeds for machines."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{20,})'")


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def test_a_public_page_has_a_strict_policy_with_a_nonce_and_no_inline_script_or_style(client, home):
    response = client.get("/")

    assert response.status_code == 200
    policy = directives(response)
    assert NONCE.search(policy["script-src"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"


def test_the_nonce_is_new_on_every_request(client, home):
    nonces = {NONCE.search(client.get("/").headers["Content-Security-Policy"])[1] for _ in range(3)}

    assert len(nonces) == 3


def test_the_map_tiles_origin_is_the_only_third_party_images_may_come_from(client, home):
    policy = directives(client.get("/"))

    assert policy["img-src"] == "'self' data: https://tile.openstreetmap.org"


@override_settings(RELAIS_MAP_TILES_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
def test_a_tiles_url_with_subdomains_allows_those_subdomains(client, home):
    assert "https://*.tiles.example.org" in directives(client.get("/"))["img-src"]


@override_settings(MEDIA_URL="https://medias.example.org/relais/")
def test_media_on_another_origin_are_allowed_for_images_on_public_pages_and_in_the_admin(
    client, home
):
    assert "https://medias.example.org" in directives(client.get("/"))["img-src"]
    assert "https://medias.example.org" in directives(client.get("/admin/login/"))["img-src"]


def test_the_admin_gets_its_own_policy_the_strictest_wagtail_runs_under(client, home):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    policy = directives(response)
    # Wagtail 8 still writes inline scripts and style attributes in its admin.
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert "gravatar" not in response["Content-Security-Policy"]


def test_the_logged_in_admin_dashboard_loads_nothing_from_another_origin(
    client, django_user_model, home
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    client.force_login(admin)

    page = client.get("/admin/").content.decode()

    assert "gravatar.com" not in page
    # Links to Wagtail's guide are fine; what the page loads (src, stylesheets) is not.
    assert not re.search(r"""\bsrc=["']https?://(?!localhost)""", page)
    assert not re.search(r"""<link[^>]+href=["']https?://(?!localhost)""", page)


def test_wagtails_preview_of_a_public_page_is_framed_under_the_admins_policy(
    client, django_user_model, home
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    client.force_login(admin)
    preview = f"/admin/pages/{home.pk}/edit/preview/"
    assert client.post(preview, {"title": home.title, "slug": home.slug}).json()["is_valid"]

    response = client.get(preview + "?in_preview_panel=true")

    # Wagtail renders the page through the middleware as if it were public, then shows it in
    # a frame of the editor: the public page's frame-ancestors 'none' would blank it.
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


PAGES = [
    pytest.param("/", 200, id="home"),
    pytest.param("/page-qui-n-existe-pas/", 404, id="404"),
    pytest.param("/healthz", 200, id="healthz"),
    pytest.param("/robots.txt", 200, id="robots"),
    pytest.param("/sitemap.xml", 200, id="sitemap"),
    pytest.param("/recherche/?q=atelier", 200, id="search", marks=pytest.mark.search),
    pytest.param("/compte/connexion/", 200, id="login"),
    pytest.param("/admin/login/", 200, id="admin-login"),
]


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_every_response_carries_the_security_headers(client, home, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_404_page_is_french_and_keeps_the_strict_policy(client, home):
    response = client.get("/page-qui-n-existe-pas/")

    assert "Page introuvable" in response.content.decode()
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_no_hsts_outside_production(client, home):
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- Production ---------------------------------------------------------------------------


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "Jq7-v0u9xq3Kz1p8Lr5mW2nB6cT4yH0aS3dF7gE9hR1kV5jU8iO2lP6wQ4zX0bN",
    "DJANGO_ALLOWED_HOSTS": "relais.example.org",
    "RELAIS_BASE_URL": "https://relais.example.org",
    "DATABASE_URL": "postgres://relais:secret@db.example.org:5432/relais",
}

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
]


@pytest.fixture(scope="module")
def production_security_settings():
    """The security settings exactly as production.py computes them, in a separate process."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "RELAIS_", "DATABASE_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_turn_on_https_redirect_hsts_and_secure_cookies(
    production_security_settings,
):
    assert production_security_settings["SECURE_SSL_REDIRECT"] is True
    assert production_security_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_security_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_security_settings["SESSION_COOKIE_SECURE"] is True
    assert production_security_settings["CSRF_COOKIE_SECURE"] is True


def test_under_production_settings_pages_send_hsts_and_cookies_marked_secure(
    production_security_settings, client, home, django_user_model
):
    django_user_model.objects.create_user("camille", "camille@example.org", "mot de passe solide")
    https = {"secure": True, "headers": {"X-Forwarded-Proto": "https"}}
    with override_settings(**production_security_settings):
        page = client.get("/compte/connexion/", **https)
        login = client.post(
            "/compte/connexion/",
            {"username": "camille", "password": "mot de passe solide"},
            **https,
        )

    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf_cookie = page.cookies["__Secure-csrftoken"]
    assert csrf_cookie["secure"] is True
    assert login.status_code == 302
    session_cookie = login.cookies["__Secure-sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def test_under_production_settings_plain_http_is_redirected_to_https_except_the_health_check(
    production_security_settings, client, home
):
    with override_settings(**production_security_settings):
        page = client.get("/compte/connexion/")
        health = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://localhost/compte/connexion/"
    assert health.status_code == 200
