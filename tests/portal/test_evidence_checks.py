"""The rules of an uploaded notice or PV (portal.evidence), without the portal: which files pass,
which are refused and with which rule, the versions' variant and reason, the file's name."""

from __future__ import annotations

import pytest

from models.evidence import DocumentVariant
from portal.errors import RuleError
from portal.evidence import (
    DOCUMENTS,
    MAX_BYTES,
    MAX_PAGES,
    VARIANT_DOCUMENTS,
    check_pdf,
    check_version,
    content_disposition,
    safe_file_name,
)
from procedure import step
from procedure.i18n import LANGUAGES, label
from procedure.step_state import EVIDENCE
from tests.portal import pdfs


def refusal(data: bytes) -> RuleError:
    with pytest.raises(RuleError) as refused:
        check_pdf(data)
    assert refused.value.field == "document"
    return refused.value


def test_the_steps_that_take_an_upload_are_those_of_the_step_rule_and_the_catalogue():
    assert set(DOCUMENTS) == {code for code, needed in EVIDENCE.items() if needed.uploads}
    for code, documents in DOCUMENTS.items():
        assert set(documents) <= set(step(code).documents), code
    # The X notice's later texts are the documents of X+14 and X+28.
    assert set(VARIANT_DOCUMENTS.values()) == {*step("X+14").documents, *step("X+28").documents}


def test_a_notice_as_weasyprint_writes_it_passes_with_its_pages():
    assert check_pdf(pdfs.notice_pdf()) == 1


def test_the_limits_themselves_pass():
    assert check_pdf(pdfs.blank_pdf(MAX_PAGES)) == MAX_PAGES
    almost = pdfs.large_pdf(MAX_BYTES - 2_000)
    assert len(almost) <= MAX_BYTES
    assert check_pdf(almost) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"Avis X-60: this is a text file named notice.pdf",
        b"PK\x03\x04 a zip archive named notice.pdf",
        b"<html><body>%PDF-1.7</body></html>",  # a PDF header, but not at the start
        b"",
        pdfs.blank_pdf()[:300],  # cut short
        pdfs.raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"),
    ],
    ids=["text", "zip", "html", "empty", "truncated", "no page"],
)
def test_what_is_not_a_pdf_is_refused_as_such(data):
    assert refusal(data).rule == "evidence.error.not_pdf"


def test_an_encrypted_pdf_is_refused_even_one_that_opens_without_a_password():
    assert refusal(pdfs.encrypted_pdf()).rule == "evidence.error.encrypted"


def test_a_pdf_over_50_pages_is_refused_with_its_count():
    refused = refusal(pdfs.blank_pdf(MAX_PAGES + 1))
    assert refused.rule == "evidence.error.too_many_pages"
    assert refused.params == {"pages": 51, "max_pages": 50}
    assert "51 pages" in label(refused.rule, "fr", **refused.params)


def test_a_pdf_over_10_mb_is_refused_before_it_is_opened():
    data = pdfs.large_pdf(MAX_BYTES)
    assert len(data) > MAX_BYTES
    refused = refusal(data)
    assert refused.rule == "evidence.error.too_large" and refused.params == {"max_mb": 10}


ACTIVE = {
    "document-level JavaScript": (
        pdfs.document_javascript_pdf,
        "evidence.error.javascript",
        "/Root/Names",
    ),
    "JavaScript in an annotation": (
        pdfs.annotation_javascript_pdf,
        "evidence.error.javascript",
        "/Root/Pages/Kids[0]/Annots[0]/A",
    ),
    "JavaScript behind #-escaped names": (
        pdfs.disguised_javascript_pdf,
        "evidence.error.javascript",
        "/Root/OpenAction",
    ),
    "launch action": (pdfs.launch_pdf, "evidence.error.launch", "/Root/OpenAction"),
    "embedded file": (pdfs.embedded_file_pdf, "evidence.error.embedded_file", "/Root/Names"),
}


@pytest.mark.parametrize(("build", "rule", "where"), ACTIVE.values(), ids=ACTIVE)
def test_active_content_is_refused_with_its_reason_and_where_it_is(build, rule, where):
    refused = refusal(build())
    assert (refused.rule, refused.params["where"]) == (rule, where)
    for lang in LANGUAGES:
        assert label(rule, lang)  # the reason, in each language


def test_the_disguised_script_is_found_by_parsing_not_by_searching_the_bytes():
    data = pdfs.disguised_javascript_pdf()
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert refusal(data).rule == "evidence.error.javascript"


def test_a_first_version_needs_no_reason_a_later_one_does():
    assert check_version("X-60", "original", "", earlier=0) == ("original", "")
    with pytest.raises(RuleError) as refused:
        check_version("X-60", "original", "  ", earlier=1)
    assert (refused.value.field, refused.value.rule) == ("reason", "evidence.error.reason_required")
    assert check_version("X-60", "original", " scan \n corrigé ", earlier=1) == (
        "original",
        "scan corrigé",
    )


@pytest.mark.parametrize(
    ("code", "variant", "reason", "earlier", "field", "rule"),
    [
        ("X", "after_complaint", "", 0, "variant", "evidence.error.variant_first"),
        ("X-60", "after_ruling", "jugement", 1, "variant", "evidence.error.variant"),
        ("X", "rewritten", "", 1, "variant", "evidence.error.variant"),
        ("X", "after_ruling", "x" * 501, 1, "reason", "evidence.error.reason_too_long"),
        ("X", "after_ruling", "jugement \u202eftp", 1, "reason", "evidence.error.reason_hidden"),
    ],
)
def test_versions_that_break_a_rule_are_refused_on_their_field(
    code, variant, reason, earlier, field, rule
):
    with pytest.raises(RuleError) as refused:
        check_version(code, variant, reason, earlier)
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_the_x_notice_takes_its_modified_texts_after_the_first():
    for variant in (DocumentVariant.after_complaint, DocumentVariant.after_ruling):
        assert check_version("X", variant, "décision du 20 février", earlier=1)[0] == variant


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Avis X-60.pdf", "Avis X-60.pdf"),
        ("C:\\Users\\rh\\Documents\\avis x.PDF", "avis x.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("bericht\u202efdp.exe", "berichtfdp.exe.pdf"),  # the bidi override would show "exe.pdf"
        ('av"is<1>.pdf', "avis1.pdf"),
        ("  ...  ", "document.pdf"),
        ("Bekanntmachung Änderung.pdf", "Bekanntmachung Änderung.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_a_file_name_is_kept_without_path_hidden_characters_or_quotes(sent, kept):
    assert safe_file_name(sent) == kept


def test_the_download_names_the_file_for_old_and_new_browsers():
    assert content_disposition("Bekanntmachung Änderung.pdf") == (
        'attachment; filename="Bekanntmachung_Anderung.pdf"; '
        "filename*=UTF-8''Bekanntmachung%20%C3%84nderung.pdf"
    )
    assert content_disposition("ملف.pdf").startswith('attachment; filename="document.pdf"')
