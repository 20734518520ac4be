"""The registry commands as staff run them: sample, import, re-import, bad files."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_sample_then_import_then_reimport_reports_zero_changes(database_url, tmp_path):
    registry = tmp_path / "r.csv"
    result = run("registry", "sample", "--companies", "120", "-o", str(registry))
    assert result.exit_code == 0
    first = run("registry", "import", str(registry))
    assert first.exit_code == 0, first.output
    assert "120" in first.output and "change(s)." in first.output
    second = run("registry", "import", str(registry))
    assert second.exit_code == 0
    assert "0 change(s)." in second.output


def test_sample_to_stdout_is_csv_with_header():
    result = run("registry", "sample", "--companies", "2")
    assert result.stdout.startswith("enterprise_number,enterprise_name,language,")
    assert len(result.stdout.splitlines()) >= 3


def test_bad_file_imports_nothing_and_names_each_bad_row(database_url, tmp_path):
    good = run("registry", "sample", "--companies", "30").stdout.splitlines()
    bad = list(good)
    bad[3] = bad[3].replace(",nl,", ",en,", 1).replace(",fr,", ",en,", 1)
    bad[7] = "9" + bad[7][1:]  # breaks the enterprise number's check digits
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(bad) + "\n")
    result = run("registry", "import", str(path))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "line 4: language: must be fr, nl or de" in result.output
    assert "line 8: enterprise_number: is not a valid enterprise number" in result.output
    # Nothing was written: the good file now creates every enterprise.
    (tmp_path / "good.csv").write_text("\n".join(good) + "\n")
    output = run("registry", "import", str(tmp_path / "good.csv")).output
    assert re.search(r"enterprises\s*│\s*30\s*│\s*0\s*│\s*0", output), output


def test_dry_run_writes_nothing(database_url, tmp_path):
    path = tmp_path / "r.csv"
    run("registry", "sample", "--companies", "5", "-o", str(path))
    assert "dry run" in run("registry", "import", "--dry-run", str(path)).output
    assert "\n10 change(s)." in run("registry", "import", str(path)).output


def test_missing_and_oversized_files_are_refused(database_url, tmp_path, monkeypatch):
    result = run("registry", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "file: cannot read" in result.output
    path = tmp_path / "big.csv"
    path.write_text("x" * 2000)
    monkeypatch.setenv("SOCELEC_REGISTRY_MAX_BYTES", "1000")
    from models.settings import get_settings

    get_settings.cache_clear()
    result = run("registry", "import", str(path))
    assert result.exit_code == 2 and "the limit is 1,000" in result.output
