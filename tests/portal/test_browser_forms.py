"""The statistical forms in headless Chromium, in French, Dutch and German: each form sent from
an empty page, a refusal's error summary, a submitted form and a correction; axe-core finds no
WCAG 2.1 A/AA violation in any of these states (screenshots and reports in
test-artifacts/portal/). And the forms work without JavaScript."""

from __future__ import annotations

import re
from datetime import date

import pytest

from procedure.i18n import LOCALES, label
from tests.portal.helpers import officer_dossier
from tests.portal.test_browser import browser, browser_page, log_in_as, record  # noqa: F401
from tests.portal.test_forms import Y, election_raw
from tests.procedure.test_forms import basic_raw, pre_raw

pytestmark = pytest.mark.browser


def fill(page, raw: dict[str, str]) -> None:
    for name, value in raw.items():
        page.locator(f"#{name}").fill(value)


def open_dossier(page, lang: str, officer) -> None:
    page.goto("/login")
    log_in_as(page, lang, officer.number, officer.password)
    page.get_by_role("link", name=label("password.later", lang)).click()
    page.wait_for_url(re.compile(rf"/dossiers/{officer.number}$"))


def send(page, lang: str, button: str = "forms.submit") -> None:
    page.get_by_role("button", name=label(button, lang)).click()


@pytest.mark.parametrize("lang", ["fr", "nl", "de"])
def test_an_officer_sends_the_three_forms(one_backend, browser, app, engine, clock, lang):  # noqa: F811
    clock.set_day(Y)  # the election form is sent from day Y on
    officer = officer_dossier(engine, language=lang, body="CE", election_day=Y)
    with browser_page(browser, app, locale=LOCALES[lang].replace("_", "-")) as page:
        open_dossier(page, lang, officer)

        page.get_by_role("link", name=label("forms.link.basic", lang), exact=True).click()
        assert page.locator("#administrative__enterprise_name").input_value() == (
            "Dupont Logistique SA"
        )
        record(page, f"20-form-basic-empty-{lang}")
        fill(page, basic_raw(headcount__young="-3", contact__email="anne"))
        send(page, lang)
        summary = page.get_by_role("alert")
        assert label("form.errors_title", lang) in summary.inner_text()
        assert summary.get_by_role("link").count() == 2
        record(page, f"21-form-basic-errors-{lang}")
        summary.get_by_role("link").first.click()  # the summary leads to the field
        assert page.evaluate("document.activeElement.id") == "contact__email"

        fill(page, basic_raw())
        send(page, lang)
        assert page.get_by_role("status").filter(has_text=label("forms.flash_submitted", lang))
        assert label("forms.status_submitted", lang) in page.locator("#form-status").inner_text()
        record(page, f"22-form-basic-submitted-{lang}")

        fill(page, {"contact__phone": "+32 4 999 99 99", "reason": "Nouveau numéro"})
        send(page, lang, "forms.submit_correction")
        assert page.locator("table.versions tbody tr").count() == 2
        assert "Nouveau numéro" in page.locator("table.versions").inner_text()
        record(page, f"23-form-basic-correction-{lang}")

        page.goto(f"/dossiers/{officer.number}")
        page.get_by_role("link", name=label("forms.link.pre_electoral", lang), exact=True).click()
        record(page, f"24-form-pre-electoral-empty-{lang}")
        fill(page, pre_raw())
        send(page, lang)
        assert label("forms.status_submitted", lang) in page.locator("#form-status").inner_text()
        record(page, f"25-form-pre-electoral-submitted-{lang}")

        page.goto(f"/dossiers/{officer.number}")
        page.get_by_role("link", name=label("forms.link.election", lang), exact=True).click()
        record(page, f"26-form-election-empty-{lang}")
        fill(page, election_raw(colleges__cadre__valid="29"))
        send(page, lang)
        assert page.locator("#colleges__cadre__valid-error").is_visible()
        record(page, f"27-form-election-errors-{lang}")
        fill(page, election_raw())
        send(page, lang)
        assert label("forms.status_submitted", lang) in page.locator("#form-status").inner_text()
        record(page, f"28-form-election-submitted-{lang}")


def test_the_forms_work_without_javascript(one_backend, browser, app, engine, clock):  # noqa: F811
    clock.set_day(date(2027, 12, 1))
    officer = officer_dossier(engine, language="fr", body="CPPT", election_day=Y)
    with browser_page(browser, app, java_script_enabled=False, locale="fr-BE") as page:
        open_dossier(page, "fr", officer)
        page.goto(f"/dossiers/{officer.number}/forms/basic")
        fill(page, {k: v for k, v in basic_raw().items() if k != "headcount__cadre"})
        send(page, "fr", "forms.save_draft")
        assert "Brouillon enregistré." in page.content()
        send(page, "fr")
        assert "Fiche envoyée." in page.content()
