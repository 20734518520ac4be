"""Importing the registry: all or nothing, idempotent, corrections update in place."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from models import AuditEvent, Enterprise, TechnicalUnit
from models.registry_file import RegistryFileError, parse_registry
from models.registry_import import import_registry
from models.registry_sample import sample_registry


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Enterprise)).one(),
            session.exec(select(func.count()).select_from(TechnicalUnit)).one(),
        )


def load(engine, text: str):
    with Session(engine) as session:
        report = import_registry(session, parse_registry(text.encode()), actor="test")
        session.commit()
    return report


def test_import_then_reimport_changes_nothing(engine):
    text = sample_registry(150, seed=3)
    first = load(engine, text)
    assert first.enterprises_created == 150 and first.units_created >= 150
    enterprises, units = counts(engine)
    assert (enterprises, units) == (150, first.units_created)
    second = load(engine, text)
    assert second.changes == 0
    assert second.enterprises_unchanged == 150
    assert counts(engine) == (enterprises, units)


def test_corrected_file_updates_in_place(engine):
    text = sample_registry(20, seed=4)
    load(engine, text)
    lines = text.splitlines()
    fields = lines[1].split(",")
    old_name, fields[1] = fields[1], "Corrected Name NV"
    corrected = "\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n"
    corrected = corrected.replace(f",{old_name},", ",Corrected Name NV,")
    report = load(engine, corrected)
    assert report.enterprises_updated == 1 and report.enterprises_created == 0
    assert report.changed_fields == {"name": 1}
    with Session(engine) as session:
        names = session.exec(
            select(Enterprise.name).where(Enterprise.enterprise_number == fields[0])
        ).all()
    assert names == ["Corrected Name NV"]


def test_units_missing_from_a_newer_file_are_kept_and_reported(engine):
    text = sample_registry(10, seed=5)
    load(engine, text)
    shorter = "\n".join(text.splitlines()[:-1]) + "\n"
    report = load(engine, shorter)
    assert report.units_not_in_file == 1
    assert counts(engine)[1] == len(text.splitlines()) - 1


def test_import_writes_an_audit_event(engine):
    load(engine, sample_registry(3, seed=6))
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "registry.import")).one()
    assert event.actor == "test" and event.detail["enterprises_created"] == 3


def test_audit_trail_is_append_only(engine):
    load(engine, sample_registry(1, seed=6))
    with Session(engine) as session:
        event = session.exec(select(AuditEvent)).first()
        event.actor = "someone else"
        session.add(event)
        with pytest.raises(Exception, match="append-only"):
            session.commit()


def test_bad_file_changes_nothing(engine):
    load(engine, sample_registry(5, seed=8))
    before = counts(engine)
    bad = sample_registry(8, seed=9).replace(",nl,", ",xx,", 1)
    with pytest.raises(RegistryFileError):
        parse_registry(bad.encode())
    assert counts(engine) == before


def test_a_corrected_joint_committee_or_sector_updates_the_unit_in_place(engine):
    text = sample_registry(4, seed=11)
    load(engine, text)
    header, first, *rest = text.splitlines()
    columns = header.split(",")
    fields = first.split(",")
    number, code = fields[columns.index("enterprise_number")], fields[columns.index("unit_code")]
    fields[columns.index("joint_committee")] = "118.01"
    fields[columns.index("sector")] = "non_commercial"
    report = load(engine, "\n".join([header, ",".join(fields), *rest]) + "\n")
    assert report.units_updated == 1
    assert report.changed_fields.keys() <= {"joint_committee", "sector"}
    assert "joint_committee" in report.changed_fields

    def unit() -> TechnicalUnit:
        with Session(engine) as session:
            return session.exec(
                select(TechnicalUnit)
                .join(Enterprise)
                .where(Enterprise.enterprise_number == number, TechnicalUnit.code == code)
            ).one()

    assert (unit().joint_committee, unit().sector) == ("118.01", "non_commercial")
    # A file that leaves them empty says they are unknown: the unit keeps no stale value.
    fields[columns.index("joint_committee")] = fields[columns.index("sector")] = ""
    load(engine, "\n".join([header, ",".join(fields), *rest]) + "\n")
    assert (unit().joint_committee, unit().sector) == (None, None)


def test_the_database_refuses_a_sector_the_registry_does_not_know(engine):
    load(engine, sample_registry(1, seed=12))
    with Session(engine) as session:
        row = session.exec(select(TechnicalUnit)).first()
        row.sector = "public"
        session.add(row)
        with pytest.raises(IntegrityError):
            session.commit()
