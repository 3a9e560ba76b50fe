"""The public-form guard: every form a visitor can send goes through it.

Three defences: a honeypot field that people never see, a per-address rate limit kept in the
shared cache (so it holds across processes and servers), and a size limit on the request.
Refusals answer a French page that says what happened and loses nothing the person typed:
the browser's back button returns to the filled form.
"""

import hashlib
import time
from functools import wraps

from django import forms
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from website.security.client_ip import client_ip

HONEYPOT_FIELD = "site_web"
DEFAULT_MAX_BYTES = 64 * 1024


class HoneypotFormMixin(forms.Form):
    """Adds a field hidden from people (CSS and aria) that robots fill in."""

    site_web = forms.CharField(
        label=gettext_lazy("Ne rien écrire ici"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "honeypot"}
        ),
    )

    def clean_site_web(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("Ce formulaire n'a pas pu être envoyé. Réessayez sans remplir le champ caché.")
            )
        return ""


def _bucket_key(scope: str, address: str, window: int) -> str:
    # The address is hashed: the cache holds no readable client address.
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()[:32]
    return f"guard:{scope}:{digest}:{int(time.time() // window)}"


def hit_rate_limit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count this request; True when the address has gone over `limit` within `window` seconds."""
    key = _bucket_key(scope, client_ip(request), window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between add and incr: this request starts a new window.
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count > limit


def refusal(request, *, status: int, title: str, message: str, retry_after: int | None = None):
    response = render(
        request,
        "errors/refused.html",
        {"title": title, "message": message},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def public_form(
    *,
    scope: str,
    limit: int = 10,
    window: int = 3600,
    max_bytes: int = DEFAULT_MAX_BYTES,
    methods=("POST",),
):
    """Guard a view that takes visitors' input: size first, then the address's rate."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method in methods:
                length = request.META.get("CONTENT_LENGTH") or "0"
                if not length.isdigit() or int(length) > max_bytes:
                    return refusal(
                        request,
                        status=413,
                        title=_("Envoi trop volumineux"),
                        message=_(
                            "Ce que vous avez envoyé dépasse la taille autorisée (%(size)s Ko). Raccourcissez votre texte et réessayez."
                        )
                        % {"size": max_bytes // 1024},
                    )
                if hit_rate_limit(request, scope=scope, limit=limit, window=window):
                    return refusal(
                        request,
                        status=429,
                        title=_("Trop de demandes"),
                        message=_(
                            "Vous avez fait beaucoup de demandes en peu de temps. Patientez quelques minutes puis réessayez : ce que vous avez saisi n'est pas perdu, revenez à la page précédente."
                        ),
                        retry_after=window - int(time.time()) % window,
                    )
            return view(request, *args, **kwargs)

        return guarded

    return decorator
