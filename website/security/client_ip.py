"""The client's address, trusting X-Forwarded-For only as far as the configured proxies."""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder address, never bound to


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client, always a valid IP address (django-axes stores it as one).

    With N trusted proxies, each appends the address it received the request from, so the
    client's address is the N-th from the end; anything before it was written by the client
    and is ignored.
    """
    proxies = settings.RELAIS_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _valid(forwarded[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


def client_network(request) -> str:
    """What a rate limit should count: the IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 subscriber gets a whole /64: counting single addresses would let one person
    use billions of them.
    """
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6 and not address.ipv4_mapped:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    if address.version == 6:
        return str(address.ipv4_mapped)
    return str(address)
