"""The site's real-browser test machinery, shared by every app's ``test_browser.py``.

Debian's Chromium driven by Playwright (never a browser downloaded by Playwright),
against the app served on 127.0.0.1 by pytest-django's ``live_server``, with
axe-core (from npm) injected into a page and failing on any WCAG 2.1 AA violation.

In CI (``CI=true``) a missing Chromium, axe-core or Playwright fails the run; on a
developer's machine the browser tests are skipped with the reason. That decision is
in one fixture, ``browser_tools``.

The fixtures are a pytest plugin, registered once in the root ``conftest.py``::

    pytest_plugins = ["fastlege.core.testing.browser"]
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("FASTLEGE_SCREENSHOTS", "")
AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@dataclass(frozen=True)
class Tools:
    chromium: str
    axe_source: str


@pytest.fixture(scope="session")
def browser_tools() -> Tools:
    """Chromium and axe-core, or: fail in CI, skip on a developer's machine."""
    from django.conf import settings

    axe = Path(settings.PROJECT_DIR) / "node_modules" / "axe-core" / "axe.min.js"
    missing = []
    chromium = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not chromium:
        missing.append("Chromium (apt-get install chromium)")
    if not axe.is_file():
        missing.append("axe-core (npm ci)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements.lock)")
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — CI must have them (.ci/run installs them)")
        pytest.skip(message)
    return Tools(str(chromium), axe.read_text(encoding="utf-8"))


# Playwright waits 30 s by default for a page or an element. A wrong page fails
# either way; the longer wait only keeps a slow, shared machine (a loaded CI
# runner, several test suites at once) from failing pages that are merely late.
BROWSER_TIMEOUT_MS = 120_000


class _PatientBrowser:
    """The browser, with every new context waiting ``BROWSER_TIMEOUT_MS``."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        context.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
        return context

    def new_page(self, **kwargs: Any) -> Any:
        page = self._browser.new_page(**kwargs)
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def browser(browser_tools: Tools) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=browser_tools.chromium,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        yield _PatientBrowser(b)
        b.close()


def ensure_reference_data() -> None:
    """Transactional (live-server) tests empty every table afterwards, so the reference
    data the session loaded once is loaded again here when it is missing."""
    from fastlege.reference.loader import load_reference
    from fastlege.reference.models import County

    if not County.objects.exists():
        load_reference()


def login(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the real log-in page — and, for a user who needs it, the code
    page with the current code of their app (``logins.code_for``) — and check that
    it worked."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from fastlege.accounts.second_factor import needs_second_factor
    from fastlege.core.testing.logins import code_for, verified_device

    user = get_user_model().objects.get(username=username)
    two_factors = needs_second_factor(user)
    if two_factors:
        verified_device(user)
    page.goto(base + reverse("web:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if two_factors:
        at = page.url.split("?")[0].split("#")[0]
        assert at.endswith(reverse("accounts:second_factor")), f"{username}: no code page"
        page.fill("#id_code", code_for(user))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    # A wrong password shows the log-in page again: stop here, not on the pages after it.
    reached = page.url.split("?")[0].split("#")[0]
    assert not reached.endswith(reverse("web:login")), f"{username} was not logged in"
    assert page.locator("header form.logout").count() == 1, f"{username}: no log-out button"


def check_axe(page: Any, tools: Tools, where: str) -> None:
    """Run axe-core on the page; fail on any WCAG 2.1 A/AA violation.

    axe needs JavaScript (its timers do not run in a context made with
    ``java_script_enabled=False``); for pages reached without JavaScript, use
    :class:`AxeInspector`."""
    page.evaluate(tools.axe_source + "\n;0")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AA_TAGS,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert problems == [], f"WCAG 2.1 AA violations on {where}: {problems}"


def screenshot(page: Any, name: str) -> None:
    """With ``FASTLEGE_SCREENSHOTS`` set, the page as docs/screenshots shows it."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def screenshots_at_both_sizes(page: Any, name: str) -> None:
    """The page at desktop and phone size (``<name>-desktop.png``, ``<name>-phone.png``);
    the page's own size is put back afterwards."""
    if not SCREENSHOTS:
        return
    size = page.viewport_size
    for viewport, dims in VIEWPORTS.items():
        page.set_viewport_size(dims)
        screenshot(page, f"{name}-{viewport}")
    if size:
        page.set_viewport_size(size)


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page scrolls sideways (0 or less: it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _serving(html: str) -> Any:
    def serve(route: Any, _request: Any = None) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return serve


class AxeInspector:
    """Runs axe on pages that a browser *without* JavaScript reached, at every viewport.

    A form flow without JavaScript ends on pages that only a POST produces (a
    confirmation, a form with its errors). The inspector takes the exact document that
    page shows, serves it again at the same address to a JavaScript-enabled page of the
    given size (styles and images still come from the live server) and runs axe there;
    at every size it also checks that the page does not scroll sideways (WCAG 1.4.10)."""

    def __init__(self, browser: Any, tools: Tools, viewports: dict[str, dict[str, int]]) -> None:
        self.tools = tools
        self.contexts = {
            name: browser.new_context(viewport=size, locale="nb-NO")
            for name, size in viewports.items()
        }
        self.checked: list[str] = []

    def check(self, page: Any, where: str) -> None:
        url, html = page.url, page.content()
        for name, context in self.contexts.items():
            copy = context.new_page()
            copy.route(lambda u, url=url: u == url, _serving(html))
            copy.goto(url)
            check_axe(copy, self.tools, f"{where} ({name})")
            overflow = horizontal_overflow(copy)
            assert overflow <= 0, (
                f"{where} scrolls sideways at {name} size ({overflow}px): {too_wide(copy)}"
            )
            copy.close()
        self.checked.append(where)

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.fixture
def axe_inspector(browser: Any, browser_tools: Tools) -> Iterator[AxeInspector]:
    """An :class:`AxeInspector` at desktop and phone size."""
    inspector = AxeInspector(browser, browser_tools, VIEWPORTS)
    yield inspector
    inspector.close()


def too_wide(page: Any) -> list[str]:
    """The innermost elements that reach beyond the window's right edge, for the message."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                && ![...e.children].some(c => c.getBoundingClientRect().right
                                              > window.innerWidth + 1))
              .slice(0, 5)
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""
        )
    )
