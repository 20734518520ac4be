"""The artifacts' Markdown, without Prefect: what staff read in the UI."""

from __future__ import annotations

from datetime import date

from tasks.summaries import campaign_summary, daily_summary, markdown_table


def test_a_table_has_its_header_and_an_empty_one_says_so():
    assert markdown_table([]) == "_none_\n"
    assert markdown_table([{"kind": "access-code", "letters": 3}]) == (
        "| kind | letters |\n|---|---|\n| access-code | 3 |\n"
    )


def test_the_campaign_summary_adds_up_the_states():
    letters = [
        {"kind": "access-code", "language": "nl", "body": "CE", "state": "sent", "letters": 4},
        {"kind": "brochure", "language": "nl", "body": "CE", "state": "sent", "letters": 1},
        {"kind": "access-code", "language": "fr", "body": "CE", "state": "held", "letters": 2},
    ]
    text = campaign_summary(2028, 6, letters, awaiting_approval=2)
    assert "- letters (access codes and brochures): 7\n" in text
    assert "- delivered: 5\n" in text and "- held for staff (`socelec outbox held`): 2\n" in text
    assert "- access-code letters waiting for the next approval: 2\n" in text


def test_a_failed_phase_is_named_and_its_message_cannot_break_the_table():
    status = {"open_by_phase": {"announcement": 9}, "upcoming": []}
    text = daily_summary(
        2028,
        date(2028, 2, 8),
        {"reminder-X": 9},
        {"sent": 9},
        status,
        {"pre_procedure": "RuntimeError: a | b"},
    )
    assert "| pre_procedure | RuntimeError: a / b |" in text
    assert "| reminder-X | 9 |" in text and "| announcement | 9 |" in text
