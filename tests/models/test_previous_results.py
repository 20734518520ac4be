"""The previous edition's national figures: loaded from CSV all or nothing, a file replaces the
figures of its editions, every bad row is named with its line, column and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import AuditEvent, PreviousResult
from models.previous_results import (
    COLUMNS,
    PreviousResultsError,
    load_previous_results,
    parse_previous_results,
)

FILE_2024 = Path(__file__).parents[2] / "docs" / "results" / "previous-2024.csv"
HEADER = ",".join(COLUMNS)
SOURCE = "https://example.org/figures"  # test data, not a fact


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def load(engine, data: bytes, actor: str = "test") -> int:
    with Session(engine) as session:
        loaded = load_previous_results(session, data, actor)
        session.commit()
    return loaded


def figures(engine) -> dict[tuple[int, str, str, str], float]:
    with Session(engine) as session:
        return {
            (r.edition, r.body, r.organisation, r.measure): r.value
            for r in session.exec(select(PreviousResult))
        }


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(PreviousResultsError) as info:
        parse_previous_results(data)
    return [str(e) for e in info.value.errors]


def test_the_2024_file_loads_with_its_sources(engine):
    assert load(engine, FILE_2024.read_bytes(), actor="cli:staff") == 10
    loaded = figures(engine)
    assert loaded[(2024, "CE", "acv_csc", "vote_share")] == 49.84
    assert loaded[(2024, "CPPT", "aclvb_cgslb", "vote_share")] == 14.12
    assert loaded[(2024, "CE", "abvv_fgtb", "seat_share")] == 34.6
    with Session(engine) as session:
        rows = session.exec(select(PreviousResult)).all()
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "previous_results.load")
        ).one()
    assert all(r.source.startswith("https://") and r.loaded_by == "cli:staff" for r in rows)
    assert event.actor == "cli:staff" and event.subject == "2024"
    assert event.detail["rows"] == 10 and event.detail["replaced"] == 0
    assert len(event.detail["sha256"]) == 64


def test_a_file_replaces_the_figures_of_its_editions_and_keeps_the_others(engine):
    load(
        engine,
        csv_of(
            f"2020,CE,acv_csc,vote_share,50,{SOURCE}",
            f"2020,CE,abvv_fgtb,vote_share,35,{SOURCE}",
        ),
    )
    load(
        engine,
        csv_of(
            f"2024,CE,acv_csc,vote_share,49,{SOURCE}",
            f"2024,CE,abvv_fgtb,vote_share,34,{SOURCE}",
            f"2024,CPPT,acv_csc,seat_share,55,{SOURCE}",
        ),
    )
    # The corrected 2024 file drops a row and changes a value: its rows are the new 2024.
    assert load(engine, csv_of(f"2024,CE,acv_csc,vote_share,49.5,{SOURCE}")) == 1
    assert figures(engine) == {
        (2020, "CE", "acv_csc", "vote_share"): 50.0,
        (2020, "CE", "abvv_fgtb", "vote_share"): 35.0,
        (2024, "CE", "acv_csc", "vote_share"): 49.5,
    }
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "previous_results.load")
            .order_by(AuditEvent.id)
        ).all()
    assert [e.detail["replaced"] for e in events] == [0, 0, 3]


def test_loading_the_same_file_twice_gives_the_same_figures(engine):
    load(engine, FILE_2024.read_bytes())
    before = figures(engine)
    load(engine, FILE_2024.read_bytes())
    assert figures(engine) == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"24,CE,acv_csc,vote_share,50,{SOURCE}", "edition: must be an edition's year"),
        (f"２０２４,CE,acv_csc,vote_share,50,{SOURCE}", "edition: must be an edition's year"),
        (f"2024,OR,acv_csc,vote_share,50,{SOURCE}", "body: must be one of CE, CPPT, all"),
        (f"2024,CE,csc,vote_share,50,{SOURCE}", "organisation: must be one of abvv_fgtb"),
        (f"2024,CE,acv_csc,votes,50,{SOURCE}", "measure: must be one of vote_share, seat_share"),
        (f"2024,CE,acv_csc,vote_share,,{SOURCE}", "value: must be a percentage from 0 to 100"),
        (f"2024,CE,acv_csc,vote_share,-1,{SOURCE}", "value: must be a percentage from 0 to 100"),
        (f"2024,CE,acv_csc,vote_share,100.5,{SOURCE}", "value: must be a percentage"),
        (f"2024,CE,acv_csc,vote_share,49.84%,{SOURCE}", "value: must be a percentage"),
        (f"2024,CE,acv_csc,vote_share,nan,{SOURCE}", "value: must be a percentage"),
        (f"2024,CE,acv_csc,vote_share,1e2,{SOURCE}", "value: must be a percentage"),
        ("2024,CE,acv_csc,vote_share,50,", "source: is required: the URL the figure comes from"),
        ("2024,CE,acv_csc,vote_share,50,FPS press release", "source: must be the http(s) URL"),
        ("2024,CE,acv_csc,vote_share,50,https://x", "source: must be the http(s) URL"),
        (
            "2024,CE,acv_csc,vote_share,50,https://example.org/\u202egpj",
            "source: must be the http(s) URL",
        ),
        (
            f"2024,CE,acv_csc,vote_share,50,https://example.org/{'a' * 500}",
            "source: must be at most 500 characters",
        ),
        ("2024,CE,acv_csc,vote_share", "row: has 4 fields, the header 6"),
    ],
)
def test_a_bad_row_names_line_column_and_rule_and_stores_nothing(engine, row, expected):
    load(engine, csv_of(f"2020,CE,acv_csc,vote_share,50,{SOURCE}"))
    before = figures(engine)
    data = csv_of(f"2024,CE,abvv_fgtb,vote_share,34.94,{SOURCE}", row)
    assert any(e.startswith(f"line 3: {expected}") for e in errors_of(data)), errors_of(data)
    with Session(engine) as session, pytest.raises(PreviousResultsError, match="nothing was"):
        load_previous_results(session, data, "test")
    assert figures(engine) == before


def test_every_bad_row_is_reported_not_only_the_first():
    errors = errors_of(
        csv_of(
            f"2024,CE,acv_csc,vote_share,50,{SOURCE}",
            f"2024,XX,acv_csc,vote_share,50,{SOURCE}",
            f"2024,CE,acv_csc,vote_share,101,{SOURCE}",
            f"2024,CE,acv_csc,vote_share,50,{SOURCE}",
        )
    )
    assert errors == [
        "line 3: body: must be one of CE, CPPT, all",
        "line 4: value: must be a percentage from 0 to 100 (49.84)",
        "line 5: organisation: duplicate: same edition, body, organisation and measure as line 2",
    ]


def test_shares_that_add_up_to_more_than_100_are_refused():
    errors = errors_of(
        csv_of(
            f"2024,CE,acv_csc,vote_share,60,{SOURCE}",
            f"2024,CE,abvv_fgtb,vote_share,30,{SOURCE}",
            f"2024,CE,aclvb_cgslb,vote_share,11,{SOURCE}",
            f"2024,CPPT,aclvb_cgslb,vote_share,11,{SOURCE}",
        )
    )
    assert errors == [
        "line 4: value: the vote_share figures of 2024 CE add up to 101.00 %, more than 100 "
        "(+0.5 for rounding)"
    ]
    # Rounded shares may add up to a little over 100.
    rounded = csv_of(
        f"2024,CE,acv_csc,vote_share,50.2,{SOURCE}",
        f"2024,CE,abvv_fgtb,vote_share,50.2,{SOURCE}",
    )
    assert len(parse_previous_results(rounded)) == 2


def test_semicolons_decimal_commas_a_bom_and_any_case():
    data = b"\xef\xbb\xbf" + csv_of(
        f"2024;ce;ACV_CSC;Vote_Share;49,84;{SOURCE}",
        f"2024;ALL;other;seat_share;0;{SOURCE}",
        "",
        header=";".join(COLUMNS),
    )
    first, second = parse_previous_results(data)
    assert (first.body, first.organisation, first.measure, first.value) == (
        "CE",
        "acv_csc",
        "vote_share",
        49.84,
    )
    assert (second.body, second.organisation) == ("all", "other")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "line 1: file: is empty: expected the header edition,body,organisation"),
        (HEADER.encode() + b"\n", "line 1: file: has a header but no rows"),
        (
            b"edition,body,organisation,measure,value\n2024,CE,acv_csc,vote_share,50\n",
            "line 1: header: missing column(s): source",
        ),
        (
            (HEADER + ",note\n").encode(),
            "line 1: header: unknown column(s): note",
        ),
        (
            b"edition,body,organisation,measure,value,value\n",
            "line 1: header: missing column(s): source; column(s) named twice: value",
        ),
        (
            csv_of(f"2024,CE,acv_csc,vote_share,50,{SOURCE}").decode().encode("utf-16"),
            "line 1: file: is not UTF-8 text",
        ),
        (
            csv_of(f"2024,CE,acv_csc,vote_share,50,{SOURCE}\x00"),
            "line 2: file: holds a NUL byte",
        ),
    ],
)
def test_a_file_that_is_not_a_previous_results_file_is_named(data, expected):
    (error,) = errors_of(data)
    assert error.startswith(expected), error


def test_the_database_keeps_the_rules_too(engine):
    with Session(engine) as session:
        session.add(
            PreviousResult(
                edition=2024,
                body="CE",
                organisation="acv_csc",
                measure="vote_share",
                value=150.0,
                source=SOURCE,
                loaded_by="test",
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
