"""import_registry: ``socelec registry import`` as a flow, started from the Prefect UI."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Failed

from tasks.registry import RegistryImportFailed, import_registry_file


@flow(name="import-registry", flow_run_name="import-registry")
def import_registry(path: str):
    """Load the registry CSV at ``path`` (on the worker's disk): all rows or none."""
    state = import_registry_file(
        path, actor=f"flow:import-registry:{flow_run.id}", return_state=True
    )
    if state.is_failed():
        error = state.result(raise_on_failure=False)
        if isinstance(error, RegistryImportFailed):
            create_table_artifact(
                key="registry-import-errors",
                description="Every bad row; nothing was imported",
                table=[{"line": e.line, "field": e.field, "rule": e.rule} for e in error.errors],
            )
            return Failed(message=str(error))
        return state
    report = state.result()
    create_markdown_artifact(
        key="registry-import",
        description=f"Import of {path}",
        markdown="# Registry import\n\n| | count |\n|---|---|\n"
        + "".join(f"| {k.replace('_', ' ')} | {v} |\n" for k, v in report.items()),
    )
    return report
