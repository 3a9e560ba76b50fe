"""One simulated person's browser: cookies, CSRF tokens read from forms, redirects not followed
(the load test reads each answer), and an address of its own behind the proxy."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str
    seconds: float


class Browser:
    def __init__(self, base_url: str, address: str):
        self.base_url = base_url
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects
        )

    def request(self, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            self.base_url + urllib.parse.quote(path, safe="/?=&%:+,"),
            data=body,
            headers={
                "X-Forwarded-For": self.address,
                "User-Agent": "relais-loadtest",
                "Accept-Language": "fr",
            },
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, content, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, content, headers = error.code, error.read(), error.headers
        seconds = time.perf_counter() - started
        return Answer(
            status=status,
            body=content.decode("utf-8", "replace"),
            location=headers.get("Location", ""),
            seconds=seconds,
        )

    def form(self, path: str) -> tuple[Answer, dict]:
        """The page holding a form, and the CSRF field to send back with it."""
        answer = self.request(path)
        found = CSRF_FIELD.search(answer.body)
        if answer.status != 200 or found is None:
            raise RuntimeError(f"{path} : réponse {answer.status} sans formulaire")
        return answer, {"csrfmiddlewaretoken": found.group(1)}

    def sign_in(self, username: str, password: str) -> None:
        _answer, csrf = self.form("/compte/connexion/")
        answer = self.request(
            "/compte/connexion/", {**csrf, "username": username, "password": password}
        )
        if answer.status != 302:
            raise RuntimeError(f"connexion de {username} refusée ({answer.status})")
