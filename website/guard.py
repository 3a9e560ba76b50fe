"""The public-form guard: every form a visitor can send goes through it.

Two halves, used together by every public form:

    from django.utils.decorators import method_decorator
    from website.guard import HoneypotFormMixin, public_form

    class ProposalForm(HoneypotFormMixin, forms.ModelForm):   # adds the honeypot field
        ...

    @public_form(scope="agenda-proposal", limit=10, window=3600, max_bytes=32 * 1024)
    def propose_event(request): ...

    @method_decorator(public_form(scope="contact"), name="dispatch")   # class-based views
    class ContactView(FormView): ...

The decorator checks, on the guarded methods (POST by default) and before the view runs:
the request's size, the address's rate (kept in the shared cache, so it holds across
processes and servers), and the honeypot. A refusal answers a French page that says what
happened and loses nothing the person typed: the browser's back button returns to the form.
Render the form's fields as usual: components/field.html hides the honeypot from people.
"""

import hashlib
import time
from functools import wraps

from django import forms
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from website.security.client_ip import client_network

HONEYPOT_FIELD = "site_web"
DEFAULT_MAX_BYTES = 64 * 1024


class HoneypotFormMixin(forms.Form):
    """Adds a field that people never see and robots fill in.

    Put it first in the bases: `class MyForm(HoneypotFormMixin, forms.ModelForm)`.
    """

    site_web = forms.CharField(
        label=gettext_lazy("Ne rien écrire ici (champ anti-robot)"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "class": "honeypot",
                "aria-hidden": "true",
            }
        ),
    )

    def clean_site_web(self):
        # The decorator refuses these first; this holds for a form used without it.
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(_("Ce formulaire n'a pas pu être envoyé."))
        return ""


def _bucket_key(scope: str, network: str, window: int) -> str:
    # The address is hashed: the cache holds no readable client address.
    digest = hashlib.sha256(f"{scope}:{network}".encode()).hexdigest()[:32]
    return f"guard:{scope}:{digest}:{int(time.time() // window)}"


def hit_rate_limit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count this request; True once the address has gone over `limit` in this `window`.

    Windows are fixed (they start at multiples of `window` seconds) and the count lives in
    the default cache, shared by every process and server. Redis counts exactly; Django's
    database cache reads then writes, so requests that arrive at the very same instant may
    be counted once: a burst of parallel requests can pass the limit by a few.
    """
    key = _bucket_key(scope, client_network(request), window)
    timeout = window + 1
    # The window's first request adds the key, the others count on it: counting first spares
    # them a refused add (five queries on the database cache).
    for _attempt in range(2):
        try:
            return cache.incr(key) > limit
        except ValueError:
            if cache.add(key, 1, timeout=timeout):
                return limit < 1
            # Another request added it in between: count on it.
    # Expired between each step: this request starts a new window.
    cache.set(key, 1, timeout=timeout)
    return limit < 1


def seconds_left(window: int) -> int:
    """Until the current window ends: what a refused visitor should wait (Retry-After)."""
    return window - int(time.time()) % window


def refusal(request, *, status: int, title: str, message: str, retry_after: int | None = None):
    """A French page that says why the request was refused (templates/errors/refused.html)."""
    response = render(
        request,
        "errors/refused.html",
        {"title": title, "message": message},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def too_large(request, max_bytes: int):
    return refusal(
        request,
        status=413,
        title=_("Envoi trop volumineux"),
        message=_(
            "Ce que vous avez envoyé dépasse la taille autorisée (%(size)s Ko). Raccourcissez votre texte et réessayez."
        )
        % {"size": max(1, max_bytes // 1024)},
    )


def too_many(request, retry_after: int):
    return refusal(
        request,
        status=429,
        title=_("Trop de demandes"),
        message=_(
            "Vous avez fait beaucoup de demandes en peu de temps. Patientez quelques minutes puis réessayez : ce que vous avez saisi n'est pas perdu, revenez à la page précédente."
        ),
        retry_after=retry_after,
    )


def _request_size(request) -> int | None:
    """The size of what the visitor sent: body, or query string for a GET. None if unreadable."""
    if request.method in ("GET", "HEAD"):
        return len(request.META.get("QUERY_STRING", ""))
    length = (request.META.get("CONTENT_LENGTH") or "0").strip()
    return int(length) if length.isdigit() else None


def public_form(
    *,
    scope: str,
    limit: int = 10,
    window: int = 3600,
    max_bytes: int = DEFAULT_MAX_BYTES,
    methods=("POST",),
):
    """Guard a view that takes visitors' input: size, then the address's rate, then the honeypot.

    `scope` names the form: each scope has its own count. `limit` requests per address are
    allowed in each `window` of seconds; the next ones get a 429 page until the window ends.
    """

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method not in methods:
                return view(request, *args, **kwargs)
            size = _request_size(request)
            if size is None or size > max_bytes:
                return too_large(request, max_bytes)
            if hit_rate_limit(request, scope=scope, limit=limit, window=window):
                return too_many(request, retry_after=seconds_left(window))
            if request.method == "POST" and request.POST.get(HONEYPOT_FIELD):
                return refusal(
                    request,
                    status=400,
                    title=_("Envoi refusé"),
                    message=_(
                        "Ce formulaire n'a pas pu être envoyé : un champ réservé à la détection des robots a été rempli. Si vous n'êtes pas un robot, revenez à la page précédente et renvoyez le formulaire."
                    ),
                )
            return view(request, *args, **kwargs)

        return guarded

    return decorator
