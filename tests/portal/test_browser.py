"""The officer's path in headless Chromium against a real portal server on 127.0.0.1.

Log in with the codes of a campaign, accept the password invitation later, choose Y, see the
recalculated calendar and the delivered access-code letter, download the ICS, switch the
language, log out; axe-core checks WCAG 2.1 A/AA on each page; screenshots are kept under
test-artifacts/portal/.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar

from procedure import STEPS
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


@pytest.fixture
def page(one_backend, browser, app):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_portal(app) as base_url:
        context = browser.new_context(
            base_url=base_url, accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        yield page
        context.close()


def check_accessibility(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    (ARTIFACTS / f"{name}.axe.txt").write_text(results.generate_report())
    assert len(results.response["passes"]) > 10  # axe really ran its rules
    assert results.violations_count == 0, results.generate_report()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_officer_logs_in_chooses_y_and_downloads_the_calendar(page, campaign_codes):
    officer = campaign_codes[0]
    page.goto("/")
    assert page.url.endswith("/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    check_accessibility(page, "01-login")
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
    with running_portal(app) as base_url:
        context = browser.new_context(base_url=base_url, java_script_enabled=False)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Numéro de dossier").fill(officer.number)
        page.get_by_label("Mot de passe").fill(officer.password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/password$"))
        assert page.locator("html").get_attribute("lang") == "nl"  # the enterprise's language
        context.close()


def test_a_french_browser_keeps_french_after_logging_into_a_dutch_dossier(
    one_backend, browser, app, engine
):
    from tests.portal.helpers import officer_dossier

    officer = officer_dossier(engine, language="nl")
    with running_portal(app) as base_url:
        # locale sets the browser's Accept-Language, as a French-speaking officer's would.
        context = browser.new_context(base_url=base_url, locale="fr-BE")
        page = context.new_page()
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_label("Numéro de dossier").fill(officer.number)
        page.get_by_label("Mot de passe").fill(officer.password)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("link", name="Plus tard : aller au dossier").click()
        page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))
        assert page.locator("html").get_attribute("lang") == "fr"  # not the company's Dutch
        assert page.get_by_role("heading", name="Votre dossier").is_visible()
        context.close()


def test_an_officer_declares_a_partial_stop(page, engine, clock):
    from tests.portal.helpers import officer_dossier

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
