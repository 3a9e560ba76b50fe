"""gunicorn's access log without personal data (used by gunicorn.conf.py).

A line says when, which worker, the method, the path, the status, the size and the time taken:
never the client's address, the query string (search terms, signed links), the referrer (which
carries the previous page's query string), the user agent or a user name. Paths can hold
secrets too (invitation, unsubscribe and password-reset links), so a segment that does not
read as a slug or a number is masked.
"""

import re

from gunicorn.glogging import Logger

ACCESS_LOG_FORMAT = '%(t)s %(p)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
MASK = "…"
# Slugs, numbers and file names: lowercase words joined by hyphens, dots or underscores.
_PLAIN = re.compile(r"[a-z0-9]+(?:[-._][a-z0-9]+)*")
# A long run of letters and digits mixed is a token or a hash (a password-reset token holds 20
# hex characters); static files' cache-busting hashes are 12.
_SECRET_RUN = re.compile(r"(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{16,}")
_LONGEST_WORD = 24


def _masked(segment: str) -> str:
    if not segment:
        return segment
    if not _PLAIN.fullmatch(segment) or _SECRET_RUN.search(segment):
        return MASK
    if max(len(word) for word in re.split(r"[-._]", segment)) > _LONGEST_WORD:
        return MASK
    return segment


def safe_path(path: str) -> str:
    """The path with every segment that may be a secret masked."""
    return "/".join(_masked(segment) for segment in path.split("/"))


class PrivateAccessLogger(Logger):
    """Leaves out of every access-log atom what could identify a person or carry a secret."""

    HIDDEN = ("h", "u", "r", "q", "f", "a")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Headers and the WSGI environ are atoms too ({cookie}i, {remote_addr}e…): none kept.
        atoms = {key: value for key, value in atoms.items() if not key.startswith("{")}
        atoms.update(dict.fromkeys(self.HIDDEN, "-"))
        atoms["U"] = safe_path(environ.get("PATH_INFO", ""))
        return atoms
