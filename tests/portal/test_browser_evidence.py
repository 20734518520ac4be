"""Uploading the X notice in headless Chromium, in French, Dutch and German: from the dossier
page to the form, a refused file, the notice, its version after a complaint, the download;
axe-core checks WCAG 2.1 A/AA on each page state (screenshots and reports in
test-artifacts/portal/). Then the same upload with JavaScript off."""

from __future__ import annotations

import re
from datetime import date

import pytest

from procedure.i18n import LOCALES, document_name, label
from tests.portal import pdfs, test_browser
from tests.portal.helpers import officer_dossier
from tests.portal.test_browser import ARTIFACTS, browser_page, log_in_as, record

pytestmark = pytest.mark.browser

#: test_browser's headless Chromium, one per module (pytest names a fixture by its attribute).
chromium = test_browser.browser

NOTICE_TITLE = {"fr": "Avis X", "nl": "Bericht X", "de": "Bekanntmachung X"}


def _officer(engine, clock, lang: str):
    clock.set_day(date(2028, 2, 8))  # day X of Y = 8 May 2028
    return officer_dossier(engine, language=lang, election_day=date(2028, 5, 8))


def _to_the_x_form(page, lang: str, officer) -> None:
    """Log in, then from the dossier page to the evidence list and the X notice's form."""
    page.goto("/login")
    log_in_as(page, lang, officer.number, officer.password)
    page.get_by_role("link", name=label("password.later", lang)).click()
    page.get_by_role("link", name=label("evidence.dossier_link", lang)).click()
    page.wait_for_url(re.compile(rf"/dossiers/{officer.number}/evidence$"))
    upload_x = f"{label('evidence.upload_link', lang)} (X)"
    page.get_by_role("link", name=upload_x, exact=True).click()
    page.wait_for_url(re.compile(r"/evidence/X$"))


def _send(page, lang: str, path) -> None:
    page.get_by_label(label("evidence.file_label", lang)).set_input_files(path)
    page.get_by_role("button", name=label("evidence.submit", lang)).click()


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_an_officer_uploads_the_x_notice_and_its_version_after_a_complaint(
    one_backend, chromium, app, engine, clock, tmp_path, lang
):
    officer = _officer(engine, clock, lang)
    not_a_pdf = tmp_path / "avis.pdf"
    not_a_pdf.write_text("Avis X – texte, pas un PDF")
    notice, corrected = tmp_path / "notice-X.pdf", tmp_path / "notice-X-corrected.pdf"
    notice.write_bytes(pdfs.notice_pdf(NOTICE_TITLE[lang]))
    corrected.write_bytes(pdfs.notice_pdf(f"{NOTICE_TITLE[lang]} (2)"))

    with browser_page(chromium, app, locale=LOCALES[lang].replace("_", "-")) as page:
        _to_the_x_form(page, lang, officer)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_text(label("evidence.none", lang)).is_visible()
        record(page, f"20-evidence-form-{lang}")

        _send(page, lang, not_a_pdf)
        assert label("evidence.error.not_pdf", lang) in page.get_by_role("alert").inner_text()
        field = page.get_by_label(label("evidence.file_label", lang))
        assert field.get_attribute("aria-invalid") == "true"
        record(page, f"21-evidence-error-{lang}")

        _send(page, lang, notice)
        page.wait_for_url(re.compile(r"/evidence/X#versions$"))
        flash = page.get_by_role("status").filter(has_text=label("evidence.flash_uploaded", lang))
        assert flash.is_visible()
        # Now the X notice's later texts are offered, with the reason.
        page.get_by_label(document_name("X notice corrected after a complaint", lang)).check()
        page.get_by_label(label("evidence.reason_label", lang)).fill("22/02/2028")
        _send(page, lang, corrected)
        rows = page.locator("table.evidence tbody tr")
        assert rows.count() == 2
        assert "notice-X-corrected.pdf" in rows.nth(1).inner_text()
        assert "22/02/2028" in rows.nth(1).inner_text()
        record(page, f"22-evidence-versions-{lang}")

        with page.expect_download() as download_info:
            page.locator("#version-X-1 a").click()
        download = download_info.value
        assert download.suggested_filename == "notice-X.pdf"
        assert download.path().read_bytes() == notice.read_bytes()

        page.get_by_role("link", name=label("evidence.back_to_list", lang)).click()
        assert page.locator("#evidence-X ~ table, section:has(#evidence-X) table").count() == 1
        record(page, f"23-evidence-list-{lang}")


def test_the_upload_works_without_javascript(one_backend, chromium, app, engine, clock, tmp_path):
    officer = _officer(engine, clock, "fr")
    notice = tmp_path / "avis-X.pdf"
    notice.write_bytes(pdfs.notice_pdf())
    with browser_page(chromium, app, java_script_enabled=False, locale="fr-BE") as page:
        _to_the_x_form(page, "fr", officer)
        _send(page, "fr", notice)
        page.wait_for_url(re.compile(r"/evidence/X#versions$"))
        assert "avis-X.pdf" in page.locator("table.evidence").inner_text()
        page.screenshot(path=str(ARTIFACTS / "24-evidence-without-javascript.png"), full_page=True)
