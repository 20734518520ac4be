"""The officer's path in headless Chromium against a real portal server on 127.0.0.1.

Log in with the codes of a campaign, accept the password invitation later, choose Y, see the
recalculated calendar and the delivered access-code letter, download the ICS, switch the
language, log out; then, in each language, the pages issue 13 changed (login hints and
errors, the warning before the lockout, the password form's warning, the dossier's messages,
the stop page outside its window). axe-core checks WCAG 2.1 A/AA on each page; screenshots
are kept under test-artifacts/portal/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar

from procedure import STEPS
from procedure.i18n import LOCALES, label
from tests.portal.helpers import officer_dossier
from tests.portal.server import running_portal

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "portal"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (scripts/setup --test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def browser_page(browser, app, **options) -> Iterator:
    """A page of a fresh browser context on a real server of ``app``; ``options`` of
    Playwright's new_context (locale: the Accept-Language the browser sends)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_portal(app) as base_url:
        context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}, **options
        )
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.fixture
def page(one_backend, browser, app):
    with browser_page(browser, app, accept_downloads=True) as page:
        yield page


def check_accessibility(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    (ARTIFACTS / f"{name}.axe.txt").write_text(results.generate_report())
    assert len(results.response["passes"]) > 10  # axe really ran its rules
    assert results.violations_count == 0, results.generate_report()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def record(page, name: str) -> None:
    """Screenshot, then axe-core: what every page state of the tests leaves behind."""
    shot(page, name)
    check_accessibility(page, name)


def test_an_officer_logs_in_chooses_y_and_downloads_the_calendar(page, campaign_codes):
    officer = campaign_codes[0]
    page.goto("/")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    record(page, "01-login")
    # Keyboard first: the skip link is the first stop and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.get_by_label("Mot de passe").fill("WRONG-WRONG-WRONG")
    page.get_by_label("Numéro de dossier").fill(officer.number)
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").filter(has_text="incorrect").is_visible()
    shot(page, "02-login-error")
    check_accessibility(page, "02-login-error")

    page.get_by_label("Mot de passe").fill(officer.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/password$"))
    assert "Première connexion" in page.content()
    shot(page, "03-password-invitation")
    check_accessibility(page, "03-password-invitation")
    page.get_by_role("link", name="Plus tard : aller au dossier").click()

    page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))
    shot(page, "04-dossier-without-y")
    check_accessibility(page, "04-dossier-without-y")
    page.get_by_label(re.compile(r"^lundi 8 mai 2028")).check()
    page.get_by_role("button", name="Enregistrer le jour Y").click()
    page.wait_for_url(re.compile(r"#y-title$"))
    assert page.get_by_role("status").filter(has_text="Jour Y enregistré").is_visible()
    summary = page.locator("section", has=page.locator("#y-title"))
    assert "lundi 8 mai 2028" in summary.inner_text()
    assert "mardi 8 février 2028" in summary.inner_text()  # X = Y − 90
    rows = page.locator("table.calendar tbody tr[id^=step-]")
    assert rows.count() == len(STEPS)
    assert "10 décembre 2027" in page.locator("#step-X-60").inner_text()
    messages = page.locator("section", has=page.locator("#messages-title")).inner_text()
    # The access-code letter as the e-Box recorded it: its subject, not the sandbox's messageId.
    assert "vos codes d'accès" in messages
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", messages)
    shot(page, "05-dossier-calendar")
    check_accessibility(page, "05-dossier-calendar")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le calendrier")).click()
    download = download_info.value
    assert download.suggested_filename == f"socelec-{officer.number}-2028-05-08.ics"
    events = ICalendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    starts = {str(e["summary"]).split(":")[0]: e.decoded("dtstart") for e in events}
    assert starts["Élections sociales CPPT Y"] == date(2028, 5, 8)
    download.save_as(ARTIFACTS / download.suggested_filename)

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="Nederlands").click()
    page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Kalender van de procedure").is_visible()
    shot(page, "06-dossier-nl")
    check_accessibility(page, "06-dossier-nl")

    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert "U bent afgemeld." in page.content()
    page.goto(f"/dossiers/{officer.number}")
    assert "/login" in page.url  # the session really ended


def test_pages_work_without_javascript(one_backend, browser, app, campaign_codes):
    officer = campaign_codes[1]
    with browser_page(browser, app, java_script_enabled=False) as page:
        page.goto("/login")
        page.get_by_label("Numéro de dossier").fill(officer.number)
        page.get_by_label("Mot de passe").fill(officer.password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/password$"))
        # A browser asking for none of fr/nl/de (en-US): the enterprise's language.
        assert page.locator("html").get_attribute("lang") == "nl"


def log_in_as(page, lang: str, number: str, password: str) -> None:
    """Fill and send the login form, whose words are in ``lang``."""
    page.get_by_label(label("dossier_number", lang)).fill(number)
    page.get_by_label(label("password", lang)).fill(password)
    page.get_by_role("button", name=label("login.submit", lang)).click()


def test_a_french_browser_keeps_french_after_logging_into_a_dutch_dossier(
    one_backend, browser, app, engine, clock
):
    clock.set_day(date(2028, 1, 10))
    officer = officer_dossier(
        engine,
        language="nl",
        election_day=date(2028, 5, 8),
        deliveries=(("access-code", "access-code", "sent"), ("reminder-X-60", "X-60", "sent")),
    )
    # locale sets the browser's Accept-Language, as a French-speaking officer's would.
    with browser_page(browser, app, locale="fr-BE") as page:
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "fr"
        log_in_as(page, "fr", officer.number, officer.password)
        page.get_by_role("link", name="Plus tard : aller au dossier").click()
        page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))
        assert page.locator("html").get_attribute("lang") == "fr"  # not the company's Dutch
        assert page.get_by_role("heading", name="Votre dossier").is_visible()
        # The subjects as the e-Box shows them, in Dutch, marked so.
        assert page.locator('q[lang="nl"]').first.inner_text().startswith("Sociale verkiezingen")
        record(page, "10-dossier-fr-browser-nl-company")


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_the_pages_issue_13_changed_in_each_language(
    one_backend, browser, app, engine, clock, portal_settings, lang
):
    clock.set_day(date(2028, 1, 10))  # after X−60, before the stop window (X+36 = 15 Mar)
    officer = officer_dossier(
        engine,
        language=lang,
        election_day=date(2028, 5, 8),
        deliveries=(
            ("access-code", "access-code", "sent"),
            ("reminder-X-60", "X-60", "sent"),
            ("phase-pre_procedure", "phase:pre_procedure", "rendered"),
        ),
    )
    compact = officer.number.replace("-", "").lower()
    typo = f"{compact[:-2]}{(int(compact[-2:]) + 1) % 100:02d}"
    with browser_page(browser, app, locale=LOCALES[lang].replace("_", "-")) as page:
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == lang  # the browser's language
        record(page, f"11-login-{lang}")

        log_in_as(page, lang, typo, officer.password)
        alert = page.get_by_role("alert")
        assert label("login.number_check_digits", lang) in alert.inner_text()
        record(page, f"12-login-check-digits-{lang}")

        for _ in range(portal_settings.lockout_threshold - 1):
            log_in_as(page, lang, compact, "WRONG-WRONG-WRONG")
        assert page.get_by_text(label("login.last_try", lang)).is_visible()
        record(page, f"13-login-last-try-{lang}")

        log_in_as(page, lang, compact, officer.password)
        page.wait_for_url(re.compile(r"/password$"))
        warning = page.get_by_text(label("password.shared_warning", lang))
        assert warning.is_visible()
        record(page, f"14-password-warning-{lang}")

        page.get_by_role("link", name=label("password.later", lang)).click()
        page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))
        messages = page.locator("section", has=page.locator("#messages-title")).inner_text()
        assert "msg-" not in page.content() and "messageId" not in page.content()
        assert officer.number in messages and label("kind.phase_notice", lang) in messages
        record(page, f"15-dossier-{lang}")

        page.get_by_role("link", name=label("stop.link", lang)).click()
        assert page.locator("main").inner_text().count("X+36") == 1  # the window, once
        record(page, f"16-stop-outside-window-{lang}")


def test_an_officer_declares_a_partial_stop(page, engine, clock):
    clock.set_day(date(2028, 3, 20))  # between X+36 and X+79 for Y = 8 May 2028
    officer = officer_dossier(engine, language="de", body="CE", election_day=date(2028, 5, 8))
    page.goto("/login")
    page.get_by_label("Numéro de dossier").fill(officer.number)
    page.get_by_label("Mot de passe").fill(officer.password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Später: zum Dossier").click()
    page.get_by_role("link", name=re.compile("Einstellung des Verfahrens melden")).click()
    check_accessibility(page, "07-stop-form")
    page.get_by_label(re.compile("^Teilweise Einstellung")).check()
    page.get_by_label("leitende Angestellte").check()
    page.get_by_role("button", name="Einstellung melden").click()
    assert page.get_by_role("alert").filter(has_text="Kästchen").is_visible()  # not confirmed
    shot(page, "08-stop-error")
    check_accessibility(page, "08-stop-error")
    page.get_by_label(re.compile("^Ich bestätige")).check()
    page.get_by_role("button", name="Einstellung melden").click()
    assert page.get_by_role("status").filter(has_text="Einstellung gespeichert").is_visible()
    assert "Teilweise Einstellung gemeldet für: leitende Angestellte" in page.content()
    shot(page, "09-partial-stop")
