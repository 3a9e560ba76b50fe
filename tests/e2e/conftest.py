"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against the live server.

Every test in this folder is marked `e2e` (`make test-fast` leaves them out) and runs once on a
phone-sized screen and once on a desktop one. A `visitor` drives one page; `visitor.check(name)`
looks at the page the way a careful reviewer would (HTTP status, strict CSP actually sent, no
console error or CSP violation, no horizontal scrolling, axe-core), takes the screenshots, and
keeps what went wrong; each test ends with `visitor.assert_no_problems()`, which lists it all.
"""

import base64
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from django.utils.text import slugify

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    # We run as root in CI and containers, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = {
    "phone": {"width": 375, "height": 812},
    "desktop": {"width": 1280, "height": 800},
    # The narrowest phone the site is made for; one tour runs on it (test_narrow_phone.py).
    "narrow": {"width": 360, "height": 740},
}
EVERY_TEST_ON = ["phone", "desktop"]
# A journey made on one kind of screen runs on that one only (the others run on both): a
# resident's on a phone, a facilitator's or an editor's in the admin at a desk.
ON_A_PHONE = pytest.mark.parametrize("screen", ["phone"], indirect=True)
AT_A_DESK = pytest.mark.parametrize("screen", ["desktop"], indirect=True)
# The closed network has no tile server: map tiles are answered with a 1×1 transparent PNG.
TILES = "https://tile.openstreetmap.org/**"
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# axe-core findings at these levels fail a test; "minor" and "moderate" ones do not.
BLOCKING_IMPACTS = {"serious", "critical"}

# Runs in every document before the page's own scripts (injected by the DevTools protocol, so
# the page's CSP does not apply to it): records each CSP violation the browser reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
        sample: event.sample,
    });
});
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/e2e as `e2e`, before `-m "not e2e"` deselects by mark."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (never a browser Playwright downloads)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is needed for the browser tests and {CHROMIUM} is missing: run "
            "`make chromium` (or `apt-get install chromium`), or set CHROMIUM=/path/to/chromium.",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django takes
    # every ORM call made here (the `home` fixture, the live server's flush between tests) for
    # a call from async code and raises SynchronousOnlyOperation. The calls really are
    # synchronous: allow them while the browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            try:
                chromium = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
            except PlaywrightError as error:
                pytest.fail(f"Chromium ({CHROMIUM}) did not start: {error}", pytrace=False)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site_url(live_server, home):
    """The live server's address, serving the tree setup_site builds (put back after each flush:
    tests/snapshot.py)."""
    return live_server.url


@pytest.fixture(params=EVERY_TEST_ON)
def screen(request):
    return request.param


@pytest.fixture
def context_options():
    """More options for the visitor's browser context: a test parametrizes this fixture to be
    somewhere, e.g. `{"geolocation": {...}, "permissions": ["geolocation"]}`."""
    return {}


@pytest.fixture
def visitor(browser, site_url, screen, context_options, request):
    context = browser.new_context(
        viewport=SCREENS[screen],
        locale="fr-FR",
        timezone_id="Europe/Paris",
        base_url=site_url,
        **context_options,
    )
    context.set_default_timeout(10_000)
    context.route(TILES, lambda route: route.fulfill(body=TILE, content_type="image/png"))
    visitor = Visitor(context.new_page(), screen=screen, test_name=request.node.originalname)
    yield visitor
    context.close()


AUTOSAVE = re.compile(r"^/admin/pages/(add/[a-z_]+/[a-z_]+/\d+|\d+/edit)/$")


class Visitor:
    """A person on one page of the site, and what the checks found wrong along the way."""

    def __init__(self, page, *, screen: str, test_name: str):
        self.page = page
        self.screen = screen
        self.width = SCREENS[screen]["width"]
        self.test_name = test_name
        self.document = None  # the main frame's last document response
        self.console_errors: list[str] = []
        self.problems: list[str] = []
        self.screenshots: list[Path] = []
        page.add_init_script(CSP_LISTENER)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_response(self, response):
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.document = response

    def _on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium probes /favicon.ico on its own, once per browser, when a page declares no
        # icon: whether that 404 shows up depends on test order, so it is not the page's fault.
        if urlsplit(url).path == "/favicon.ico":
            return
        # Wagtail's editor autosaves half a second after each change; a form still incomplete
        # answers 400 with its errors, which the editor shows beside the fields. Expected, not
        # a fault — but the browser logs it, sometimes on the next page if it was in flight.
        if message.text.endswith("status of 400 (Bad Request)") and AUTOSAVE.match(
            urlsplit(url).path
        ):
            return
        self.console_errors.append(f"{message.text} [{url}]" if url else message.text)

    # --- moving around ------------------------------------------------------------------

    def open(self, path: str):
        self.page.goto(path, wait_until="load")
        return self.page

    def follow(self, link):
        """Click a link and wait until the document it points to has loaded."""
        target = link.evaluate("(anchor) => anchor.href")
        with self.page.expect_navigation(url=target, wait_until="load"):
            link.click()
        return self.page

    # --- looking ------------------------------------------------------------------------

    def check(self, name: str, *, every_impact: bool = False) -> None:
        """Check the current page and screenshot it; keep what is wrong, labelled with `name`.

        `every_impact` makes any axe-core finding a problem, minor and moderate ones included,
        for the pages an issue promises clean.
        """
        label = f"{name} ({self.page.url}, {self.width} px)"
        found = []
        if self.document is None or self.document.status != 200:
            status = self.document.status if self.document else "no response"
            found.append(f"answered {status}, not 200")
        elif "script-src 'self' 'nonce-" not in (
            self.document.headers.get("content-security-policy") or ""
        ):
            found.append("was not served with the strict public Content-Security-Policy")
        found += [f"console error: {text}" for text in self.console_errors]
        self.console_errors.clear()
        violations = self.page.evaluate("window.__cspViolations || []")
        found += [
            "CSP violation: {directive} blocked {blocked} ({source}:{line}) {sample}".format(**v)
            for v in violations
        ]
        overflow = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if overflow[0] > overflow[1]:
            found.append(
                f"scrolls sideways: the page is {overflow[0]} px wide on a {overflow[1]} px screen"
            )
        found += self._axe(every_impact=every_impact)
        self.screenshot(name)
        self.problems += [f"{label}: {problem}" for problem in found]

    def _axe(self, *, every_impact: bool) -> list[str]:
        # Evaluated through the DevTools protocol, which the page's CSP does not govern: the
        # page is audited under the very policy visitors get (no bypass_csp, no inline script).
        self.page.evaluate(AXE_SCRIPT)
        results = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            "axe {id} ({impact}): {help} [{help_url}] on {targets}".format(
                id=violation["id"],
                impact=violation["impact"],
                help=violation["help"],
                help_url=violation["helpUrl"],
                targets=", ".join(
                    " ".join(map(str, node["target"])) for node in violation["nodes"]
                ),
            )
            for violation in results["violations"]
            if every_impact or violation["impact"] in BLOCKING_IMPACTS
        ]

    def screenshot(self, name: str) -> Path:
        path = ARTIFACTS / f"{self.test_name}-{slugify(name)}-{self.width}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path, full_page=True)
        self.screenshots.append(path)
        return path

    def assert_no_problems(self) -> None:
        if self.problems:
            pytest.fail(
                f"{len(self.problems)} problem(s) seen by a visitor on a {self.screen}:\n- "
                + "\n- ".join(self.problems),
                pytrace=False,
            )
