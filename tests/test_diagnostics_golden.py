"""Golden files: each broken rule file next to its exact `obligate check` output and exit code.

Regenerate with `pytest tests/test_diagnostics_golden.py --update-goldens` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from obligate.interfaces.cli import app

HERE = Path(__file__).parent / "diagnostics"
BAD = sorted((HERE / "bad").glob("*.obl"))
GOOD = sorted((HERE / "good").glob("*.obl"))


def check_output(path: Path) -> str:
    relative = path.relative_to(Path.cwd())
    result = CliRunner().invoke(app, ["check", "--no-cache", str(relative)])
    return f"{result.output}[exit {result.exit_code}]\n"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_file_output_matches_golden(path: Path, update_goldens: bool) -> None:
    expected_path = path.with_suffix(".expected")
    actual = check_output(path)
    if update_goldens or not expected_path.exists():
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_file_is_reported_with_a_position_never_a_traceback(path: Path) -> None:
    output = check_output(path)
    assert "Traceback" not in output
    assert f"{path.name}:" in output


def test_there_are_at_least_thirty_broken_files() -> None:
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_file_compiles_with_no_diagnostics(path: Path) -> None:
    output = check_output(path)
    assert output.startswith("ok: ") and output.endswith("0 warnings\n[exit 0]\n")
