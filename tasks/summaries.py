"""The Markdown of the flows' artifacts: what staff read in the Prefect UI after a run.

Pure functions of the counts the tasks return (tasks/reports.py reads them), so a flow body
reads as the procedure and the wording is tested without Prefect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

#: The states counted per step in the ministry's view (models.progress.step_counts).
#: The states of a followed step among the open dossiers (a completely stopped dossier's later
#: steps are void: it counts among the stopped dossiers of ``socelec status``, not here).
STEP_COLUMNS = ("done", "late", "due", "later", "passed")


def markdown_table(rows: Sequence[Mapping], empty: str = "_none_") -> str:
    """A table with the keys of the first row as its header."""
    if not rows:
        return f"{empty}\n"
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    return header + "".join("| " + " | ".join(str(v) for v in r.values()) + " |\n" for r in rows)


def _pairs(counts: Mapping[str, int], key: str, value: str) -> str:
    rows = [{key: k, value: n} for k, n in sorted(counts.items())] or [{key: "none", value: 0}]
    return markdown_table(rows)


def campaign_review(
    edition: int,
    opened: Mapping[str, int],
    rendered: int,
    brochures: int,
    review: Mapping | None,
    letters: Sequence[Mapping],
    samples: Sequence[str],
) -> str:
    """What the second person reads before approving: exactly the letters the review counts."""
    if review:
        released = (
            f"## This approval releases {review['letters']} access-code letters\n\n"
            f"Requested by {review['requested_by']}; the approver must be someone else, one of "
            "SOCELEC_APPROVERS. Letters rendered after this review wait for the next one.\n\n"
            f"{markdown_table(review['counts'])}\n"
        )
    else:
        released = "No access-code letter waits for approval.\n\n"
    return (
        f"# Edition {edition}: access-code mailing for review\n\n"
        f"Dossiers opened now: {opened['created']} (already open: {opened['existing']}). "
        f"Letters rendered in this run: {rendered}; brochures: {brochures}.\n\n"
        f"{released}"
        f"## Letters in the outbox\n\n{markdown_table(letters)}\n"
        f"Specimen letters: {', '.join(samples) or 'none'}\n"
    )


def campaign_summary(
    edition: int, dossiers: int, letters: Sequence[Mapping], awaiting_approval: int
) -> str:
    """The campaign's outcome, per state, and per language, body and state."""
    totals: dict[str, int] = {}
    for row in letters:
        totals[row["state"]] = totals.get(row["state"], 0) + row["letters"]
    return (
        f"# Edition {edition}: access-code mailing\n\n"
        f"- dossiers: {dossiers}\n"
        f"- letters (access codes and brochures): {sum(totals.values())}\n"
        f"- delivered: {totals.get('sent', 0)}\n"
        f"- non-digital (to print and post): {totals.get('non_digital', 0)}\n"
        f"- rejected: {totals.get('rejected', 0)}\n"
        f"- failed (retried by redeliver): {totals.get('failed', 0)}\n"
        f"- held for staff (`socelec outbox held`): {totals.get('held', 0)}\n"
        f"- access-code letters waiting for the next approval: {awaiting_approval}\n\n"
        f"## Per language, body and state\n\n{markdown_table(letters)}"
    )


def daily_summary(
    edition: int,
    day: date,
    rendered: Mapping[str, int],
    delivered: Mapping[str, int],
    status: Mapping,
    failed: Mapping[str, str],
) -> str:
    """The day's mailings, where the open dossiers stand, what comes next, what failed."""
    text = (
        f"# Edition {edition}: mailings of {day.isoformat()}\n\n"
        f"{_pairs(rendered, 'mailing', 'rendered')}\n"
        f"## Delivered\n\n{_pairs(delivered, 'state', 'count')}\n"
        f"## Open dossiers per phase\n\n{_pairs(status['open_by_phase'], 'phase', 'dossiers')}\n"
        "## Coming due (next 14 days)\n\n"
        + markdown_table(
            [
                {"from": u["date"], "mailing": u["mailing"], "dossiers": u["dossiers"]}
                for u in status["upcoming"]
            ]
        )
    )
    if failed:
        text += "\n## Failed phases (run the day again to send what is missing)\n\n" + (
            markdown_table([{"phase": p, "error": m.replace("|", "/")} for p, m in failed.items()])
        )
    return text


def redelivery_summary(
    edition: int,
    released: Mapping[str, int] | None,
    reset: int,
    delivered: Mapping[str, int],
    non_digital: int,
    printed: int,
    paths: str,
    deleted: int,
    retention_days: int,
    problems: int,
    awaiting_approval: int,
) -> str:
    released_line = (
        f"{released['released']} (still held: {released['still_held']})"
        if released
        else "not asked (release_held)"
    )
    return (
        f"# Edition {edition}: redelivery\n\n"
        f"- held letters released: {released_line}\n"
        f"- failed rows given new tries: {reset}\n"
        f"- delivered now: {dict(delivered) or 'nothing'}\n"
        f"- non-digital letters: {non_digital}\n"
        f"- printed now: {printed} ({paths or 'no new letters'})\n"
        f"- print batches with passwords deleted (older than {retention_days} days): "
        f"{deleted}\n"
        f"- still held, rejected or failed: {problems}\n"
        f"- access-code letters waiting for an approval (open-edition): {awaiting_approval}\n"
    )


def step_table(counts: Sequence[Mapping]) -> list[dict]:
    """The ministry's table: per step the dossiers in each state, then per language."""
    languages = [
        f"{state}_{lang}"
        for lang in ("fr", "nl", "de")
        for state in ("done", "late", "due", "later")
    ]
    return [{k: row[k] for k in ("step", *STEP_COLUMNS, *languages)} for row in counts]
