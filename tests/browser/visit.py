"""The driver of the journey tests: one person's visit, in one language, at one size.

Every page the visit reaches goes through `checkpoint()`: the answer has the expected status,
the page speaks the visit's language, the browser logged no error (a refusal by the
Content-Security-Policy is one), axe-core finds no WCAG 2.1 A/AA violation (of any impact),
a screenshot is saved, and the HTML the server sent is kept for the Nu HTML
checker, which reads every page of the session at the end (tests/browser/test_valid_html.py).

At desktop size the visit uses the keyboard only: each link, button and field is reached
with Tab, must show where the focus is, and is operated with Enter, Space or typing. At
phone size it taps, with the system in dark mode.
"""

import os
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Locator, Page, expect

from accounts.reauthentication import PASSWORD_TYPED_AT

# A page with more stops than this between two targets would be a keyboard trap in itself.
MAX_TABS = 150

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

LANGUAGE_NAMES = {"en": "English", "fr": "French"}

# How many presses of Tab should take the focus from where it is to the element, counting
# the trip round through the document's end (the browser stops once on <body> there).
TAB_STOPS_UNTIL = """el => {
  const stops = Array.from(
    document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]')
  ).filter(stop => stop.tabIndex >= 0 && !stop.disabled && stop.getClientRects().length > 0);
  const active = document.activeElement || document.body;
  const ahead = stops.filter(stop => active.compareDocumentPosition(stop) & Node.DOCUMENT_POSITION_FOLLOWING);
  const position = ahead.indexOf(el);
  return position >= 0 ? position + 1 : ahead.length + 1 + stops.indexOf(el) + 1;
}"""

FOCUS_IS_VISIBLE = """el => {
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outlined || style.boxShadow !== 'none';
}"""


@dataclass(frozen=True)
class Variant:
    language: str  # "en" or "fr"
    size: str  # "desktop" or "phone"

    @property
    def id(self) -> str:
        return f"{self.language}-{self.size}"

    @property
    def keyboard(self) -> bool:
        return self.size == "desktop"

    @property
    def browser_language(self) -> str:
        # The browser asks for the other language, so that each journey starts by switching.
        return "fr" if self.language == "en" else "en"

    def context_options(self) -> dict:
        locale = {"en": "en-GB", "fr": "fr-FR"}[self.browser_language]
        if self.size == "phone":
            return {
                "locale": locale,
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
                "color_scheme": "dark",
            }
        return {"locale": locale, "viewport": {"width": 1280, "height": 800}, "color_scheme": "light"}


EVERY_VARIANT = [Variant(language, size) for size in ("desktop", "phone") for language in ("en", "fr")]


def variants(*, desktop: str) -> list[Variant]:
    """The runs of one journey: in each language once and at each size once, the desktop
    run in `desktop`'s language and the phone run in the other; journeys alternate, so that
    every language meets every size. JOURNEY_VARIANTS=all runs all four combinations."""
    if os.environ.get("JOURNEY_VARIANTS") == "all":
        return EVERY_VARIANT
    return [Variant(desktop, "desktop"), Variant("fr" if desktop == "en" else "en", "phone")]


# Every journey runs against the live server, which commits, so the tables are emptied after
# each one. (serialized_rollback cannot bring back what the migrations made: while Playwright
# runs, Django sees an event loop and gives this thread new connection objects, which lack
# the snapshot taken before. A journey that needs such rows makes them.)
JOURNEY_MARKS = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_both_languages(*, desktop: str):
    """Decorates a journey test: `visit` comes in the variants above."""
    return pytest.mark.parametrize("visit", variants(desktop=desktop), indirect=True, ids=lambda variant: variant.id)


def label(text: str) -> re.Pattern:
    # crispy-forms marks required fields with an asterisk after the label text, and
    # capitalises model fields' names ("first name"); the admin adds a colon.
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*\*?\s*$", re.IGNORECASE)


def screenshot_name(step: int, url: str) -> str:
    """01-account-registrations-new.png: the words of the address, without its numbers and
    the secret parts of links from emails."""
    path = url.split("//", 1)[-1].partition("/")[2].split("?")[0].split("#")[0]
    words = [part for part in path.split("/") if re.fullmatch("[a-z][a-z-]*", part)]
    return f"{step:02d}-{'-'.join(words) or 'home'}.png"


class Visit:
    def __init__(self, page: Page, variant: Variant, *, journey: str, archive, screenshots: Path):
        self.page = page
        self.variant = variant
        self.language = variant.language
        self.keyboard = variant.keyboard
        self.journey = journey
        self._archive = archive
        self._screenshots = screenshots
        self._page_language = variant.browser_language
        self._steps = 0
        self._document = None
        self.unchecked: list[str] = []
        self.browser_errors: list[str] = []
        page.on("response", self._on_response)
        page.on("load", lambda loaded: self.unchecked.append(loaded.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.browser_errors.append(str(error)))

    def _on_console(self, message) -> None:
        # Messages of the checker injected into the page have no address; they are not the
        # site's (axe-core reading the admin's @import-ed stylesheets trips the CSP).
        if message.type == "error" and message.location.get("url"):
            self.browser_errors.append(message.text)

    def _on_response(self, response) -> None:
        request = response.request
        if request.resource_type == "document" and request.frame == self.page.main_frame:
            self._document = response

    # --- words -------------------------------------------------------------------------

    def tr(self, message: str, language: str | None = None, **values) -> str:
        """The text the site shows for this English message, in the visit's language."""
        with translation.override(language or self.language):
            text = translation.gettext(message)
        return text % values if values else text

    # --- where things are --------------------------------------------------------------

    @property
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def header(self) -> Locator:
        return self.page.get_by_role("banner")

    @property
    def account_navigation(self) -> Locator:
        return self.page.get_by_role("navigation", name=self.tr("Your account"))

    def link(self, name: str, within: Locator | None = None) -> Locator:
        return (within or self.main).get_by_role("link", name=name, exact=True)

    def button(self, name: str, within: Locator | None = None) -> Locator:
        return (within or self.main).get_by_role("button", name=name, exact=True)

    def field(self, name: str | Locator, within: Locator | None = None) -> Locator:
        """A form field by the text of its label, or as given (e.g. named by an image's alt)."""
        if isinstance(name, Locator):
            return name
        return (within or self.main).get_by_label(label(name))

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    # --- moving around -----------------------------------------------------------------

    def open(self, path: str, *, status: int = 200) -> None:
        """Open an address typed or followed from an email."""
        self.page.goto(path)
        self.checkpoint(status=status)

    def follow(self, name: str, *, within: Locator | None = None, status: int = 200) -> None:
        self._navigate(self.link(name, within), status=status)

    def press(self, name: str, *, within: Locator | None = None, status: int = 200) -> None:
        self._navigate(self.button(name, within), status=status)

    def download(self, target: Locator):
        """Activate a link or button that answers with a file; the page stays where it is."""
        with self.page.expect_download() as download:
            self.activate(target)
        return download.value

    def _navigate(self, target: Locator, *, status: int) -> None:
        with self.page.expect_event("load"):
            self.activate(target)
        self.checkpoint(status=status)

    def activate(self, target: Locator) -> None:
        if self.keyboard:
            self.tab_to(target)
            self.page.keyboard.press("Enter")
        else:
            target.tap()

    # --- forms -------------------------------------------------------------------------

    def fill(self, name: str | Locator, value: str, *, within: Locator | None = None) -> None:
        target = self.field(name, within)
        if not self.keyboard:
            target.fill(value)
            return
        self.tab_to(target)
        if target.get_attribute("type") == "date":
            year, month, day = value.split("-")
            self.page.keyboard.type(day + month + year if self._date_fields_put_day_first() else month + day + year)
        else:
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.press("Delete")
            self.page.keyboard.insert_text(value)
        expect(target).to_have_value(value)

    def _date_fields_put_day_first(self) -> bool:
        """Whether this browser's date fields ask for the day before the month: that follows
        the browser's own language, whatever the page's, so it is asked of the browser."""
        probe = self.page.context.new_page()
        probe.set_content('<input type="date">')
        probe.focus("input")
        probe.keyboard.type("02012000")
        day_first = probe.input_value("input") == "2000-01-02"
        probe.close()
        return day_first

    def choose(self, name: str | Locator, option: str, *, within: Locator | None = None) -> None:
        target = self.field(name, within)
        if not self.keyboard:
            target.select_option(label=option)
            return
        self.tab_to(target)
        # A closed select picks the option whose text starts with what is typed.
        self.page.keyboard.type(option)
        selected = target.evaluate("el => el.options[el.selectedIndex].text")
        assert selected == option, f"typing {option!r} in {name!r} selected {selected!r}"

    def tick(self, name: str | Locator, *, within: Locator | None = None) -> None:
        target = self.field(name, within)
        if self.keyboard:
            self.tab_to(target)
            self.page.keyboard.press("Space")
        else:
            target.tap()
        expect(target).to_be_checked()

    def switch_language(self) -> None:
        """Switch the site to the visit's language with the selector in the header."""
        current = self._page_language
        # Each language is offered under its own name ("English", "Français").
        own_name = capfirst(self.tr(LANGUAGE_NAMES[self.language], self.language))
        self.choose(self.tr("Language", current), own_name, within=self.header)
        self._page_language = self.language
        with self.page.expect_event("load"):
            self.activate(self.button(self.tr("Change", current), within=self.header))
        self.checkpoint()

    def log_in(self, number: str, password: str) -> None:
        """Fill in the login form on the current page and send it."""
        self.fill(self.tr("Customer number"), number)
        self.fill(self.tr("Password"), password)
        self.press(self.tr("Log in"))

    def start_logged_in(self, number: str, password: str) -> None:
        """Arrive at the login page in the browser's language, switch, and log in."""
        self.open("/login/")
        self.switch_language()
        self.log_in(number, password)
        expect(self.heading()).to_have_text(self.tr("My account"))

    def confirm_it_is_me(self, password: str) -> None:
        """Type the password again on the page that asks for it before a sensitive action."""
        expect(self.heading()).to_have_text(self.tr("Confirm it is you"))
        self.fill(self.tr("Your password"), password)
        self.press(self.tr("Continue"))

    def time_passes(self) -> None:
        """As if the customer came back after a break: the password typed at login no longer
        counts for the actions that ask for it again (accounts/reauthentication.py)."""
        cookies = {cookie["name"]: cookie["value"] for cookie in self.page.context.cookies()}
        session = import_module(settings.SESSION_ENGINE).SessionStore(cookies[settings.SESSION_COOKIE_NAME])
        del session[PASSWORD_TYPED_AT]
        session.save()

    # --- the keyboard ------------------------------------------------------------------

    def tab_to(self, target: Locator) -> None:
        """Press Tab until the target has the focus, and check that the focus shows."""
        target.wait_for()
        handle = target.element_handle()
        # Most of the way in one go (the page says how many stops lie between), then one
        # stop at a time: whatever the count said, only the focus itself is trusted.
        for _ in range(max(0, handle.evaluate(TAB_STOPS_UNTIL) - 1)):
            self.page.keyboard.press("Tab")
        for _ in range(MAX_TABS):
            if handle.evaluate("el => el === document.activeElement"):
                break
            self.page.keyboard.press("Tab")
        else:
            pytest.fail(f"{target} cannot be reached with the Tab key on {self.page.url}")
        assert handle.evaluate(FOCUS_IS_VISIBLE), f"{target} shows no focus indicator on {self.page.url}"

    def focused(self) -> Locator:
        return self.page.locator("*:focus")

    def check_skip_link(self) -> None:
        """The first Tab stop of a page is a visible skip link that moves the focus to the content."""
        self.page.keyboard.press("Tab")
        skip = self.focused()
        expect(skip).to_have_text(self.tr("Skip to main content", self._page_language))
        expect(skip).to_be_visible()
        self.page.keyboard.press("Enter")
        expect(self.focused()).to_have_attribute("id", "main")

    def check_error_summary(self, *field_names: str) -> None:
        """After a form with mistakes: the focus is on a summary that names each field in error,
        and each name leads to its field (an error about the whole form names none)."""
        summary = self.page.locator(".error-summary")
        expect(summary).to_be_focused()
        for field_name in field_names:
            expect(summary).to_contain_text(field_name)
        if self.keyboard and field_names:
            self.page.keyboard.press("Tab")
            first_link = summary.get_by_role("link").first
            expect(first_link).to_be_focused()
            target = first_link.get_attribute("href")
            self.page.keyboard.press("Enter")
            expect(self.page.locator(target)).to_be_focused()

    # --- what every page must pass ------------------------------------------------------

    def checkpoint(self, *, status: int = 200) -> None:
        page = self.page
        page.wait_for_load_state()
        self.unchecked.clear()
        self._steps += 1
        where = f"{self.journey} [{self.variant.id}] step {self._steps} ({page.url})"
        # (A redirect keeps the fragment of the address it came from, the server never sees it.)
        answered = self._document is not None and self._document.url == page.url.split("#")[0]
        assert answered, f"{where}: no document answer"
        assert self._document.status == status, f"{where}: answered {self._document.status}, expected {status}"
        assert page.evaluate("document.documentElement.lang") == self._page_language, f"{where}: wrong language"
        # The browser reports an error answer to the page itself, even when it is the one expected.
        expected = f"Failed to load resource: the server responded with a status of {status} "
        errors = [error for error in self.browser_errors if not (status >= 400 and error.startswith(expected))]
        assert not errors, f"{where}: the browser reported {errors}"
        self.browser_errors.clear()
        self._archive.add(self._document.body(), where)
        self._check_accessibility(where)
        page.screenshot(path=self._screenshots / screenshot_name(self._steps, page.url), full_page=True)

    def _check_accessibility(self, where: str) -> None:
        # axe-core is in every page of the visit's browser context (see the visit fixture).
        results = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        # The goal is no serious or critical violation; the pages have none of any impact,
        # and this keeps it so.
        violations = results["violations"]
        assert not violations, f"{where}: accessibility violations:\n" + "\n".join(
            f"  {v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:5]}"
            for v in violations
        )
