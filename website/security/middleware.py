"""Security on every request and response.

On the way in, before anything parses the request, it refuses with a French page what no
view should ever see: an unknown host, a body over the site's ceiling, a body Django cannot
parse, a NUL character in the path, a header or a parameter (PostgreSQL cannot store one
and would answer a 500); and it applies the public-form guard's rate limit to the forms
Wagtail owns (admin login and password reset, page and document passwords).

On the way out, it adds the headers Django's SecurityMiddleware does not: a strict
Content-Security-Policy on public pages (scripts only from this origin or carrying the
request's nonce, `{{ request.csp_nonce }}` in templates; no inline styles), the strictest
policy the Wagtail admin runs under on its paths (it still has inline scripts and styles),
Permissions-Policy and Cross-Origin-Resource-Policy. Outside the admin, a view that set its
own policy keeps it: Wagtail's document view forbids everything in the files it serves.
"""

import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from website.guard import hit_rate_limit, refusal, seconds_left, too_large, too_many

security_logger = logging.getLogger("django.security.DisallowedHost")

ADMIN_PREFIXES = ("/admin/",)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(self), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "browsing-topics=()"
)
# Forms that Wagtail serves, guarded here since their views are not ours: (path prefix,
# scope, limit, window). The front end's own forms use website.guard.public_form, with the
# same scopes where they do the same thing.
GUARDED_PATHS = (
    ("/admin/login/", "login", 30, 900),
    ("/_util/login/", "login", 30, 900),
    ("/admin/password_reset/", "password-reset", 5, 3600),
    ("/_util/authenticate_with_password/", "view-password", 10, 900),
    ("/documents/authenticate_with_password/", "view-password", 10, 900),
)
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Room for the multipart envelope and the other fields around the largest file allowed.
MULTIPART_MARGIN = 1024 * 1024


def _origin(url: str, *, wildcard_template: bool = False) -> str:
    """The scheme://host[:port] of an absolute URL, "" for a relative one."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    netloc = parts.netloc
    # "{s}.tile.example.org" style templates: allow the host's subdomains.
    if wildcard_template and "{" in netloc:
        netloc = "*." + netloc.split("}.", 1)[-1]
    return f"{parts.scheme}://{netloc}"


def _asset_origins() -> str:
    """Where uploaded media and static files come from when they are not on this origin (S3)."""
    origins = {_origin(settings.MEDIA_URL), _origin(settings.STATIC_URL)}
    return " ".join(sorted(origin for origin in origins if origin))


def _sources(*sources: str) -> str:
    return " ".join(source for source in sources if source)


def public_policy(nonce: str) -> str:
    assets = _asset_origins()
    directives = {
        "default-src": "'self'",
        "script-src": _sources("'self'", f"'nonce-{nonce}'", assets),
        "style-src": _sources("'self'", assets),
        "img-src": _sources(
            "'self'",
            "data:",
            assets,
            _origin(settings.RELAIS_MAP_TILES_URL, wildcard_template=True),
        ),
        "font-src": _sources("'self'", assets),
        "connect-src": "'self'",
        "media-src": _sources("'self'", assets),
        "frame-src": "'none'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def admin_policy() -> str:
    # Wagtail 8's admin still writes inline <script> (inline panels, date pickers) and style
    # attributes, so it needs 'unsafe-inline' for both; no 'unsafe-eval', no third party
    # (Gravatar is switched off in the settings), no plugins, no framing by other sites.
    assets = _asset_origins()
    directives = {
        "default-src": "'self'",
        "script-src": _sources("'self'", "'unsafe-inline'", assets),
        "style-src": _sources("'self'", "'unsafe-inline'", assets),
        "img-src": _sources("'self'", "data:", "blob:", assets),
        "font-src": _sources("'self'", "data:", assets),
        "connect-src": "'self'",
        "media-src": _sources("'self'", "blob:", assets),
        "frame-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _bad_request(request):
    return refusal(
        request,
        status=400,
        title=_("Demande incorrecte"),
        message=_(
            "Le site n'a pas pu lire ce qui a été envoyé. Revenez à la page précédente et réessayez ; si le problème continue, écrivez-nous."
        ),
    )


def _body_ceiling(request) -> int:
    if request.content_type == "multipart/form-data":
        largest_file = max(
            getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 0) or 0,
            getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 0) or 0,
        )
        return largest_file + MULTIPART_MARGIN
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _contains_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in query_dict.lists()
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce
        response = self.refuse_malformed(request) or self.guard_wagtail_forms(request)
        if response is None:
            response = self.get_response(request)
        return self.add_headers(request, response, nonce)

    def refuse_malformed(self, request):
        try:
            request.get_host()
        except DisallowedHost as error:
            # Logged as Django does, for whoever set ALLOWED_HOSTS; the page cannot use the
            # site's templates, which look the site up by this very host.
            security_logger.error(str(error))
            return HttpResponseBadRequest(
                render_to_string("errors/unknown_host.html"), content_type="text/html"
            )
        if "\x00" in request.path_info or any(
            "\x00" in value
            for name, value in request.META.items()
            if name.startswith("HTTP_") and isinstance(value, str)
        ):
            # A NUL in a cookie or the User-Agent reaches the database too (sessions, axes).
            return _bad_request(request)
        length = (request.META.get("CONTENT_LENGTH") or "0").strip()
        if length.isdigit() and int(length) > _body_ceiling(request):
            return too_large(request, _body_ceiling(request))
        try:
            if _contains_nul(request.GET):
                return _bad_request(request)
            # CsrfViewMiddleware reads the form next anyway; reading it here turns a malformed
            # or oversized one into a French page instead of Django's English 400.
            if (
                request.method == "POST"
                and request.content_type in FORM_CONTENT_TYPES
                and _contains_nul(request.POST)
            ):
                return _bad_request(request)
        except RequestDataTooBig:
            return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except (
            TooManyFieldsSent,
            TooManyFilesSent,
            MultiPartParserError,
            BadRequest,
            SuspiciousOperation,
            OSError,  # UnreadablePostError: the client went away mid-upload
        ):
            return _bad_request(request)
        return None

    def guard_wagtail_forms(self, request):
        if request.method != "POST":
            return None
        for prefix, scope, limit, window in GUARDED_PATHS:
            if request.path_info.startswith(prefix):
                if hit_rate_limit(request, scope=scope, limit=limit, window=window):
                    return too_many(request, retry_after=seconds_left(window))
                return None
        return None

    def add_headers(self, request, response, nonce):
        if request.path_info.startswith(ADMIN_PREFIXES):
            # Always the admin's policy there, even over one already set: Wagtail's preview
            # renders a public page through the middleware, then shows it in the admin's frame.
            response["Content-Security-Policy"] = admin_policy()
        elif "Content-Security-Policy" not in response and not (
            settings.DEBUG and response.status_code >= 500
        ):
            # A view that set its own policy keeps it: Wagtail's document view forbids
            # everything in the files it serves.
            response["Content-Security-Policy"] = public_policy(nonce)
        if not getattr(response, "xframe_options_exempt", False):
            # Django's clickjacking middleware never sees the refusals answered above it
            # (this middleware's own, a cached page).
            response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
