"""``socelec demo``: the main job on the embedded defaults, start to finish, then exit."""

from __future__ import annotations

from datetime import date

import typer

from cli.common import actor, console, database
from models.editions import get_edition
from models.registry_file import parse_registry
from models.registry_import import import_registry
from models.registry_sample import sample_registry
from procedure import compute_calendar, valid_election_days


def demo_command(
    companies: int = typer.Option(300, min=1, max=200_000,
                                  help="Companies in the sample registry (7402 = 2024 scale)."),
    edition: int = typer.Option(2028, help="Edition to run."),
    seed: int = typer.Option(2028, help="Seed of the sample registry."),
) -> None:
    """Sample registry → import → the edition's calendar for its first valid day Y."""
    console.rule(f"socelec demo: edition {edition}, {companies} companies")
    units = parse_registry(sample_registry(companies, seed=seed).encode())
    with database() as session:
        report = import_registry(session, units, actor=actor(), source=f"sample seed {seed}")
        window = get_edition(session, edition)
        console.print(f"registry: {report.enterprises_created} enterprises and "
                      f"{report.units_created} technical units created, "
                      f"{report.changes} change(s) in all")
        election_day: date = valid_election_days(window)[0]
        calendar = compute_calendar(window, election_day)
    console.print(f"edition {edition} ({window.status}): window {window.window_first} – "
                  f"{window.window_last}; first valid day Y {election_day}, X {calendar.x_day}")
    for entry in calendar.entries:
        if entry.step.reminder:
            console.print(f"  {entry.step.code:>6}  {entry.effective_date}  {entry.step.title}")
