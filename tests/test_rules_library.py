"""The shipped rule library compiles clean and the casebook passes through the public API."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate.determination import casebook
from obligate.language.compiler import compile_paths
from obligate.language.diagnostics import render_all

ROOT = Path(__file__).resolve().parents[1]
CASES = casebook.load_cases([ROOT / "casebook"])


def test_every_shipped_rule_file_compiles_without_errors_or_warnings() -> None:
    compiled = compile_paths([ROOT / "rules"], use_cache=False)
    assert not compiled.warnings, render_all(compiled.warnings, compiled.sources)
    assert len(compiled.library.duties) > 0


@pytest.mark.parametrize("loaded", CASES, ids=lambda c: c.case.id)
def test_casebook_case(rulebase, loaded: casebook.LoadedCase) -> None:  # type: ignore[no-untyped-def]
    outcome = casebook.run_case(rulebase, loaded)
    assert outcome.passed, f"{loaded.case.note}\n" + "\n".join(outcome.failures)


def test_every_case_names_a_public_source() -> None:
    for loaded in CASES:
        assert len(loaded.case.source.strip()) >= 10, loaded.name
