"""Casebook files with mistakes: every problem of every file in one pass, each at its
file:line:col with the line and a caret, like the rule files' diagnostics (golden files).

Regenerate with `pytest tests/test_casebook_diagnostics.py --update-goldens` and review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate.determination.casebook import CasebookError, load_cases

ROOT = Path(__file__).resolve().parents[1]
BAD = sorted((ROOT / "tests" / "diagnostics" / "casebook").glob("*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_casebook_diagnostics_match_golden(
    path: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(CasebookError) as raised:
        load_cases([path.relative_to(ROOT)])
    text = str(raised.value) + "\n"
    expected = path.with_suffix(".expected")
    if update_goldens or not expected.exists():
        expected.write_text(text)
    assert text == expected.read_text()


def test_every_mistake_of_a_file_is_reported_at_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(CasebookError) as raised:
        load_cases(["tests/diagnostics/casebook/misspelt_key.yaml"])
    found = [(d.code, d.span.line, d.span.col) for d in raised.value.diagnostics]
    assert found == [("E602", 10, 3), ("E603", 11, 3), ("E602", 16, 5), ("E604", 23, 11)]
    assert raised.value.diagnostics[0].hint == "did you mean `want_duties`?"


def test_the_shipped_casebook_loads() -> None:
    assert len(load_cases([ROOT / "casebook"])) > 50
