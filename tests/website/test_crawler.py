"""A crawler: every public URL of a small network (from the sitemap and the links of each page,
bounded) answers without a server error, and every form it meets, sent with hostile values,
answers without a server error and never shows the payload unescaped.

Built with the factories (a few rows of each kind), visited through Django's test client: the
browser adds nothing to what is checked here, and this stays within seconds.
"""

import re
from collections import Counter, deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest

from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from agenda.factories import EventPageFactory
from bilans.factories import ActionFactory, BilanPageFactory, MethodPageFactory
from bilans.models import BilanIndexPage, MethodIndexPage
from ressources.factories import RessourcePageFactory, ThemeFactory
from ressources.models import RessourceIndexPage
from structures import invitations
from structures.models import Role
from tests.permissions import build_network
from veille.factories import AppelPageFactory, FunderFactory
from veille.models import VeilleIndexPage
from website.guard import HONEYPOT_FIELD

pytestmark = [pytest.mark.django_db, pytest.mark.search]

# Never in any response body: a payload shown as markup instead of text.
MARK = "<script>relais-crawler</script>"
MAX_PAGES = 90  # for the visitor; a member sees the same pages and a few more, with forms
MAX_MEMBER_PAGES = 45
MAX_PER_SHAPE = 3  # paths that differ by numbers only (months…), or by their query string
MAX_MUTATED = 15  # links whose query strings are sent again with hostile values
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/compte/deconnexion/")
INVALID_UTF8 = "%FF%FE%C0%AF%ED%A0%80"

# One set of values per attack: text fields, then numbers, then dates.
ATTACKS = {
    "script": (MARK + '"><img src=x onerror=alert(1)>', "-1", "0001-01-01"),
    "one_megabyte": ("a" * (1024 * 1024) + MARK, "9" * 400, "9999-12-31"),
    # Long, but under the guards' size limits, so that the forms themselves read it.
    "control_characters": (
        "\x00\x01\x08\x1b[31m\u202e\ufeff\u2028" + MARK + "é" * 1500,
        "-9" * 30,
        "31/02/2027",
    ),
    "numbers_and_far_dates": (MARK, "99999999999999999999999999", "9999-12-31T23:59"),
}


class _Page(HTMLParser):
    """The links and the forms of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea") and attrs.get("name"):
            kind = attrs.get("type", "text" if tag == "input" else "textarea").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                kind += "-unchecked"
            self._form["fields"].append(
                {"name": attrs["name"], "kind": kind, "value": attrs.get("value", "")}
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "kind": "select", "value": None}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None and self._select["value"] is None:
            self._select["value"] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def _local(url: str, base: str) -> str | None:
    """The path and query of a link on this site, or None for another site, a mail address…"""
    absolute = urljoin("http://localhost" + base, url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname != "localhost":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Crawler:
    def __init__(self, client: Client):
        self.client = client
        self.visited: list[str] = []
        self.forms: dict[tuple, tuple[str, dict]] = {}
        self.statuses: Counter = Counter()

    def check(self, response, what: str):
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, f"{what}: {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARK.encode() not in body, f"{what}: payload shown unescaped"
        return body

    def crawl(self, starts: list[str], *, limit: int = MAX_PAGES) -> None:
        queue, seen, per_shape = deque(starts), set(starts), Counter()
        while queue and len(self.visited) < limit:
            url = queue.popleft()
            response = self.client.get(url)
            body = self.check(response, f"GET {url}")
            self.visited.append(url)
            if response.status_code in (301, 302) and response.get("Location"):
                found = [response["Location"]]
            elif "xml" in response.get("Content-Type", ""):
                found = re.findall(r"<loc>([^<]+)</loc>", body.decode())
            elif "html" in response.get("Content-Type", ""):
                page = _Page()
                page.feed(body.decode())
                found = page.links
                for form in page.forms:
                    action = _local(form["action"], url) if form["action"] else url
                    if action is None:
                        continue
                    key = (
                        urlsplit(action).path,
                        form["method"],
                        *sorted(f["name"] for f in form["fields"]),
                    )
                    self.forms.setdefault(key, (url, {**form, "action": action}))
            else:
                found = []
            for link in found:
                local = _local(link, url)
                if local is None or local in seen:
                    continue
                shape = _shape(urlsplit(local).path)
                if per_shape[shape] >= MAX_PER_SHAPE:
                    continue
                per_shape[shape] += 1
                seen.add(local)
                queue.append(local)

    def mutate_query_strings(self) -> None:
        """Each link's query parameters sent again with hostile values, invalid UTF-8 too."""
        with_query = [url for url in self.visited if "?" in url][:MAX_MUTATED]
        for url in with_query:
            path, _mark, query = url.partition("?")
            names = [pair.partition("=")[0] for pair in query.split("&")]
            for text, number, day in ATTACKS.values():
                for value in (text[:2000], number, day):
                    mutated = urlencode(dict.fromkeys(names, value))
                    self.check(self.client.get(f"{path}?{mutated}"), f"GET {path} ({names})")
            broken = "&".join(f"{name}={INVALID_UTF8}" for name in names)
            self.check(self.client.get(f"{path}?{broken}"), f"GET {path} invalid UTF-8")

    def submit_forms(self) -> list[str]:
        sent = []
        for (_shape_of_path, method, *_names), (page_url, form) in self.forms.items():
            path = urlsplit(form["action"]).path
            for attack, values in ATTACKS.items():
                # Each attack meets the form itself, not the rate limit the previous one used up.
                cache.clear()
                data = _filled(form["fields"], values, attack)
                what = f"{method.upper()} {form['action']} ({attack})"
                if method == "post":
                    response = self.client.post(form["action"], data, follow=True)
                else:
                    response = self.client.get(form["action"], data, follow=True)
                self.check(response, what)
            cache.clear()
            broken = "&".join(
                f"{quote(field['name'])}={INVALID_UTF8}"
                for field in form["fields"]
                if field["name"] != HONEYPOT_FIELD
            )
            if method == "post":
                response = self.client.post(
                    form["action"], broken, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = self.client.get(f"{path}?{broken}")
            self.check(response, f"{method.upper()} {form['action']} (invalid UTF-8)")
            # Whatever was stored is shown escaped where the form lives.
            self.check(self.client.get(page_url), f"GET {page_url} after {path}")
            sent.append(f"{method.upper()} {path}")
        return sent


def _filled(fields: list[dict], values: tuple[str, str, str], attack: str) -> dict:
    text, number, day = values
    data: dict[str, list[str]] = {}
    for field in fields:
        name, kind, value = field["name"], field["kind"], field["value"]
        if name == HONEYPOT_FIELD:
            value = ""  # the guard's own refusal would hide what the form does with the rest
        elif name == "csrfmiddlewaretoken" or kind.endswith("-unchecked"):
            continue
        elif kind in ("number", "range"):
            value = number
        elif kind in ("date", "datetime-local", "month", "time"):
            value = day if kind != "datetime-local" else day + "T10:00"
        elif kind in ("checkbox", "radio", "hidden"):
            value = value if attack != "script" else text
        elif kind == "select":
            # A choice that exists lets the form go further; "script" sends the payload instead.
            value = text if attack == "script" or value is None else value
        elif kind == "email":
            value = text[:200] + "@exemple.fr"
        elif kind == "password":
            value = text[:4096]
        else:
            value = text
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def network(home):
    network = build_network()
    structure = network.pages["structure_A"]
    now = timezone.now()
    event = EventPageFactory(
        parent=structure,
        title="Atelier du mardi",
        start=now + timedelta(days=2),
        end=now + timedelta(days=2, hours=2),
        recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=5",
    )
    orientation = ThemeFactory(name="Orientation")
    ressource = RessourcePageFactory(
        parent=RessourceIndexPage.objects.get(), title="Guide des démarches"
    )
    ressource.themes.set([orientation])
    ressource.related_structures.set([structure])
    ressource.tags.add("orientation")
    ressource.save()
    AppelPageFactory(
        parent=VeilleIndexPage.objects.get(),
        title="Appel inclusion numérique",
        funders=[FunderFactory(name="Région")],
    )
    method = MethodPageFactory(parent=MethodIndexPage.objects.get(), title="Bateau")
    bilan = BilanPageFactory(parent=BilanIndexPage.objects.get(), title="Journée bilan 2026")
    ActionFactory(bilan=bilan, description="Relancer les partenaires")
    invitations.invite(
        email="invite@exemple.fr",
        structure=structure,
        role=Role.MEMBER,
        invited_by=network.users["animateur"],
    )
    [link] = re.findall(r"http://localhost(/compte/invitation/[^/\s]+/)", mail.outbox[-1].body)
    network.pages.update(event=event, ressource=ressource, method=method, bilan=bilan)
    network.invitation = link
    return network


def test_every_public_url_and_form_survives_hostile_input(network, client):
    anonymous = Crawler(client)
    anonymous.crawl(
        [
            "/",
            "/sitemap.xml",
            "/robots.txt",
            "/recherche/?q=atelier",
            network.invitation,
            "/compte/invitation/" + quote(MARK) + "/",
            "/compte/connexion/",
            "/compte/mot-de-passe/oubli/",
            "/evenements/proposer/",
            "/" + INVALID_UTF8 + "/",
        ]
    )
    anonymous.mutate_query_strings()
    anonymous_forms = anonymous.submit_forms()

    member = Crawler(Client(HTTP_HOST="localhost"))
    member.client.force_login(network.users["membre_A"])
    member.crawl(
        [
            "/compte/mon-espace/",
            network.pages["ressource"].url,
            network.pages["bilan"].url,
            "/evenements/proposer/",
            "/evenements/mes-evenements/",
            "/",
        ],
        limit=MAX_MEMBER_PAGES,
    )
    member_forms = member.submit_forms()

    # The crawl reached every kind of page and form it is meant to try.
    visited = " ".join(anonymous.visited + member.visited)
    for expected in (
        network.pages["event"].url,
        network.pages["ressource"].url,
        network.pages["lieu_A"].url,
        network.pages["bilan"].url,
        network.pages["method"].url,
    ):
        assert expected in visited, expected
    sent = " ".join(anonymous_forms + member_forms)
    for form in (
        "GET /recherche/",
        "POST /compte/connexion/",
        "POST /compte/mot-de-passe/oubli/",
        "POST " + network.invitation,
        "POST /evenements/proposer/",
        "POST " + network.pages["ressource"].url,
    ):
        assert form in sent, (form, sent)
    assert len(anonymous.visited) + len(member.visited) > 100
    assert anonymous.statuses[200] > 40
