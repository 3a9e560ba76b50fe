"""Read the configuration from the environment.

A missing or malformed variable stops start-up with one line that names it: a traceback
through the settings module helps nobody who is deploying the site. The line never repeats
more of a value than is needed to recognise it, and never the parts of a URL that may hold a
password.
"""

import os
from urllib.parse import urlsplit

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non"}
_MISSING = object()


class ConfigurationError(SystemExit):
    """Stops the process with a single readable line on standard error."""

    def __init__(self, name: str, problem: str):
        super().__init__(_one_line(f"Configuration invalide : {name} {problem}."))


def _one_line(text: str) -> str:
    # A value may hold a newline or a control character: the message stays on one line.
    return "".join(char if char.isprintable() else "?" for char in text)


def _shown(value: str, limit: int = 40) -> str:
    return value[:limit] + ("…" if len(value) > limit else "")


def env_str(name: str, default=_MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ConfigurationError(name, "est obligatoire et n'est pas définie")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(name, f"doit valoir true ou false (reçu « {_shown(value)} »)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(
            name, f"doit être un nombre entier (reçu « {_shown(value)} »)"
        ) from None
    if number < minimum:
        raise ConfigurationError(name, f"doit être supérieur ou égal à {minimum}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.upper() in choices:
        return value.upper()
    allowed = ", ".join(choices)
    raise ConfigurationError(name, f"doit valoir l'un de {allowed} (reçu « {_shown(value)} »)")


def env_origins(name: str) -> list[str]:
    """Origins as CSRF checks compare them: a scheme and a host, nothing after."""
    origins = env_list(name)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ConfigurationError(
                name,
                f"doit lister des origines comme https://relais.example.org (reçu « {_shown(origin)} »)",
            )
    return origins


def env_emails(name: str) -> list[str]:
    addresses = env_list(name)
    for address in addresses:
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(char.isspace() for char in address):
            raise ConfigurationError(
                name,
                f"doit lister des adresses email séparées par des virgules (reçu « {_shown(address)} »)",
            )
    return addresses


def env_url(name: str, default=_MISSING, *, schemes: tuple[str, ...]) -> str:
    """A URL with one of `schemes`, checked as far as its consumers will parse it.

    dj_database_url and the cache and mail clients split the URL and read its port: a value
    they would choke on is refused here, with the variable's name, instead of failing later
    with a traceback.
    """
    value = env_str(name, default)
    if value == default and default is not _MISSING:
        return value
    expected = " ou ".join(schemes)
    try:
        parts = urlsplit(value.strip())
        scheme = parts.scheme
    except ValueError:
        raise ConfigurationError(name, f"doit être une URL {expected} (URL illisible)") from None
    if scheme not in schemes:
        # Only the scheme is repeated: the rest of a URL may hold a password.
        received = f"reçu « {scheme} »" if scheme else "ce n'est pas une URL"
        raise ConfigurationError(name, f"doit être une URL {expected} ({received})")
    if value.strip() == "sqlite://:memory:":
        return value
    try:
        parts.port  # noqa: B018 - reading it validates it
        parts.hostname  # noqa: B018
    except ValueError:
        raise ConfigurationError(
            name, f"doit être une URL {expected} valide (port ou hôte illisible)"
        ) from None
    return value
