"""Playwright driving Debian's chromium against the live test server.

The browser is never downloaded: without /usr/bin/chromium (`apt-get install chromium`)
these tests are skipped with that reason. The accessibility checker (axe-core) and the Nu
HTML checker (vnu-jar, run with Java) come from npm (`npm ci`); without them the tests that
need them are skipped, saying so. `.ci/run` installs all of it, and under CI (the CI
environment variable set) a missing tool fails the tests instead, so that the journeys
cannot quietly stop running there.

One browser serves the whole session; each test gets its own context (cookies, storage,
size, colour scheme), so tests never see each other's logins.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from mailinglists import demo as mailinglists_demo
from mailinglists.models import MailingList
from registrations.models import Partner, Product
from tests.browser.visit import Visit

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_SOURCE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Git-ignored: a reviewer looks at the portal here without running it.
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def missing_tool(reason: str) -> None:
    """Skip, saying what is missing; fail under CI, which installs every tool."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # The HTML check reads the pages every journey kept, so it runs after all of them.
    items.sort(key=lambda item: item.get_closest_marker("after_journeys") is not None)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        missing_tool("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser
    # lives, and Django then refuses ORM calls here (the tests' own and the database
    # flushes between tests), though they are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        missing_tool("axe-core is not installed (npm ci); the journeys check every page with it, so they are skipped")
    return AXE_SOURCE.read_text()


class PageArchive:
    """The HTML of every page the journeys reached, as the server sent it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pages: dict[Path, str] = {}

    def add(self, html: bytes, where: str) -> None:
        path = self.folder / f"page-{len(self.pages):04d}.html"
        path.write_bytes(html)
        self.pages[path] = where

    def where(self, checker_url: str) -> str:
        """The journey step that reached a page, from the checker's file: URL of it."""
        return self.pages.get(self.folder / checker_url.rsplit("/", 1)[-1], checker_url)


@pytest.fixture(scope="session")
def page_archive(tmp_path_factory) -> PageArchive:
    return PageArchive(tmp_path_factory.mktemp("pages"))


@pytest.fixture
def page_without_javascript(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots_folder() -> Path:
    """Emptied once per session, so that it shows the pages of the last run only."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    return SCREENSHOTS


@pytest.fixture
def visit(request, chromium, live_server, axe_source, page_archive, screenshots_folder):
    """A visit in the variant the test is parametrized with (tests.browser.visit.variants)."""
    variant = request.param
    journey = request.node.originalname.removeprefix("test_")
    screenshots = screenshots_folder / journey / variant.id
    screenshots.mkdir(parents=True)
    context = chromium.new_context(base_url=live_server.url, **variant.context_options())
    # Through the DevTools protocol, in every page before its own scripts: the site's CSP
    # rightly refuses inline scripts, and this does not weaken it.
    context.add_init_script(script=axe_source)
    page = context.new_page()
    page.set_default_timeout(10_000)
    journey_visit = Visit(page, variant, journey=journey, archive=page_archive, screenshots=screenshots)
    yield journey_visit
    context.close()
    assert not journey_visit.unchecked, f"pages reached without a checkpoint: {journey_visit.unchecked}"


@pytest.fixture
def mailing_lists(db):
    """The lists of the demo data: announcements, cooker, expert-support."""
    return {fields["slug"]: MailingList.objects.create(**fields) for fields in mailinglists_demo.LISTS}


@pytest.fixture
def products(db):
    """Two editions of Mandrake Linux 8.2 open for registration, keyed by edition."""
    return {
        edition: Product.objects.create(
            name="Mandrake Linux",
            version="8.2",
            edition=edition,
            release_date=datetime.date(2002, 3, 21),
            serial_pattern=r"MDK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}",
            serial_example="MDK-7F3K-92QX-L0PA",
            support_days=days,
        )
        for edition, days in [("PowerPack", 60), ("ProSuite", 90)]
    }


@pytest.fixture
def partner(db):
    return Partner.objects.create(
        name="Pingouin Services",
        country="FR",
        purpose="On-site installation help in the Paris region, on behalf of Mandrake.",
        contact_name="Claire Dubois",
        contact_email="interventions@pingouin-services.example",
    )
