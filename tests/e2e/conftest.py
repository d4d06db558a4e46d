"""Browser tests: the real pages in a real headless Chromium (Debian's, /usr/bin/chromium), driven by
Playwright against pytest-django's live server.

`make test` installs Chromium when it is missing; without it these tests fail and say so, rather
than skip, so that a green run always means the browser ran them.

They run in the SQLite run of `make test` and are skipped, with one line saying so, in the
PostgreSQL run: what they test is what the browser does with the pages, which no database changes,
and every server-side path they take is tested on PostgreSQL by the page and API tests. Running them
twice cost about a minute of a suite that must stay under fifteen (2026-12-06).
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import live_server_quiet
from tests.web.conftest import (  # noqa: F401  (fixtures shared with the page tests)
    _dedup_light,
    returned,
    waiting,
)

# Playwright's sync API runs an event loop in the test's thread; Django would then refuse the
# ORM calls that tests and fixtures make there. The live server answers in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")

# Screenshots of every page the tests walk through, kept after the run (the suite's HOTLINE_HOME is
# a temporary folder): var/test-artifacts/screenshots of the checkout, or HOTLINE_TEST_ARTIFACTS.
ARTIFACTS = Path(
    os.environ.get("HOTLINE_TEST_ARTIFACTS", Path(__file__).parents[2] / "var" / "test-artifacts")
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    once = pytest.mark.skip(reason="browser tests run in the SQLite run (tests/e2e/conftest.py)")
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(once)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make install` installs it (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def csp_violations(page: Any) -> list[str]:
    """Every Content-Security-Policy violation on `page` from now on, as Chromium reports it: a
    `securitypolicyviolation` event in the document, and the error it writes to the console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.expose_function("reportCspViolation", lambda text: seen.append(text))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", function (event) {
          window.reportCspViolation(event.violatedDirective + " " + (event.blockedURI || "inline")
            + " at " + event.sourceFile + ":" + event.lineNumber);
        });"""
    )
    return seen


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test also checks that the pages it walks through need nothing the
    # Content-Security-Policy refuses (settings.SECURE_CSP).
    violations = csp_violations(page)
    yield page
    context.close()
    live_server_quiet()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def sign_in(page, live_server, username: str, password: str, next_path: str) -> None:
    """Through the real login form, as a person would."""
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form[action^='/login/'] button[type=submit]")  # not the header's language buttons
    page.wait_for_url(f"{live_server.url}{next_path}")


@pytest.fixture
def screenshot_of() -> Callable[[Any, str], Path]:
    """screenshot_of(page, name) saves that whole page as <ARTIFACTS>/screenshots/<name>.png."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def screenshot(page, screenshot_of) -> Callable[[str], Path]:
    """screenshot(name): the test's own page, as screenshot_of does."""
    return lambda name: screenshot_of(page, name)
