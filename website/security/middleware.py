"""Security headers on every response.

Public pages get a strict Content-Security-Policy: scripts only from this origin or carrying
the request's nonce, no inline styles. The Wagtail admin still needs inline scripts and styles,
so its paths get the strictest policy it runs under.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import SimpleLazyObject

ADMIN_PREFIXES = ("/admin/",)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def _tiles_origin() -> str:
    parts = urlsplit(settings.RELAIS_MAP_TILES_URL)
    host = parts.hostname or ""
    # "{s}.tile.example.org" style templates: allow the host's subdomains.
    if "{" in parts.netloc:
        host = "*." + host.split("}.", 1)[-1]
    return f"{parts.scheme}://{host}" if host else ""


def public_policy(nonce: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": f"'self' data: {_tiles_origin()}".strip(),
        "font-src": "'self'",
        "connect-src": "'self'",
        "media-src": "'self'",
        "frame-src": "'none'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = SimpleLazyObject(lambda: nonce)
        response = self.get_response(request)
        # A view that set its own policy (Wagtail's document view sandboxes files) keeps it.
        if "Content-Security-Policy" not in response and not (
            settings.DEBUG and response.status_code >= 500
        ):
            is_admin = request.path.startswith(ADMIN_PREFIXES)
            response["Content-Security-Policy"] = ADMIN_POLICY if is_admin else public_policy(nonce)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
