"""Running one task over many batches with a progress artifact the UI updates as they finish."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from prefect.artifacts import create_progress_artifact, update_progress_artifact


def merge_counts(results: list[dict]) -> dict:
    """Add up the task results: numbers, and dicts of numbers (per language, per body)."""
    total: dict = {}
    for result in results:
        for key, value in result.items():
            if isinstance(value, dict):
                total[key] = dict(Counter(total.get(key, {})) + Counter(value))
            else:
                total[key] = total.get(key, 0) + value
    return total


def run_batches(
    submit: Callable[[int, list[int]], object], batches: list[list[int]], description: str
) -> dict:
    """Submit every batch, then collect them in order while the progress artifact advances."""
    if not batches:
        return {}
    progress = create_progress_artifact(progress=0.0, description=description)
    futures = [submit(number, batch) for number, batch in enumerate(batches)]
    results = []
    for done, future in enumerate(futures, start=1):
        results.append(future.result())
        update_progress_artifact(progress, 100 * done / len(futures))
    return merge_counts(results)
