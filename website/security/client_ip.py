"""The client's address, trusting X-Forwarded-For only as far as the configured proxies."""

from django.conf import settings


def client_ip(request) -> str:
    proxies = settings.RELAIS_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
