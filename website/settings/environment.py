"""Read the configuration from the environment.

A missing or malformed variable stops start-up with one line that names it: a traceback
through the settings module helps nobody who is deploying the site.
"""

import os
from urllib.parse import urlparse

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}
_MISSING = object()


class ConfigurationError(SystemExit):
    """Stops the process with a single readable line on standard error."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"Configuration invalide : {name} {problem}.")


def env_str(name: str, default=_MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ConfigurationError(name, "est obligatoire et n'est pas définie")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(name, f"doit valoir true ou false (reçu « {value[:40]} »)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(
            name, f"doit être un nombre entier (reçu « {value[:40]} »)"
        ) from None
    if number < minimum:
        raise ConfigurationError(name, f"doit être supérieur ou égal à {minimum}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default=_MISSING, *, schemes: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value == default and default is not _MISSING:
        return value
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise ConfigurationError(
            name,
            f"doit être une URL {' ou '.join(schemes)} (reçu « {parsed.scheme or value[:20]} »)",
        )
    return value
