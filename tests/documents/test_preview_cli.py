"""``socelec preview``: staff check a template; the database does not change."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.delivery import Delivery
from models.dossier import Dossier
from tests.documents.conftest import PASSWORD_SHAPE, pdf_text, read_every_page
from tests.factories import load_sample

runner = CliRunner()


def test_preview_of_a_stored_dossier_writes_a_specimen_and_changes_nothing(engine, tmp_path):
    load_sample(engine, companies=1)
    with Session(engine) as session:
        dossier = session.exec(select(Dossier)).first()
        number, unit_name = dossier.dossier_number, dossier.technical_unit.name
    out = tmp_path / "out.pdf"
    result = runner.invoke(
        app, ["preview", "access-code", "--dossier", number.lower(), "--lang", "de", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"dossier {number}" in result.output
    text = pdf_text(out.read_bytes())
    read_every_page(out.read_bytes())
    assert "MUSTER – Kontrolldokument, ohne Gültigkeit" in text
    assert number in text and unit_name in text and "Ihre Zugangscodes" in text
    assert PASSWORD_SHAPE.search(text)
    with Session(engine) as session:
        assert (
            session.exec(
                select(Dossier.password_hash).where(Dossier.dossier_number == number)
            ).one()
            is None
        )
        assert session.exec(select(Delivery)).all() == []


def test_preview_of_a_fictitious_dossier_needs_no_database(tmp_path):
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        app,
        [
            "preview",
            "reminder-X+14",
            "--lang",
            "nl",
            "--election-day",
            "2028-05-12",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "SPECIMEN" in text and "uiterlijk op vrijdag 25 februari 2028" in text


def test_preview_errors_name_the_field(database_url, tmp_path):
    out = tmp_path / "x.pdf"
    cases = [
        (["preview", "reminder-X+68", "-o", str(out)], "kind: unknown document kind"),
        (["preview", "brochure", "--lang", "en", "-o", str(out)], "language: 'en' is not"),
        (
            ["preview", "brochure", "--dossier", "28-CE-999999-99", "-o", str(out)],
            "dossier: no dossier 28-CE-999999-99",
        ),
        (
            ["preview", "reminder-Y", "--election-day", "2028-05-21", "-o", str(out)],
            "is not a working day (Sunday)",
        ),
    ]
    for arguments, message in cases:
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split()), result.output
    assert not out.exists()
