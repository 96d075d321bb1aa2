"""`reviewed:` is data: `obligate stale` lists the readings of the law that are due, and a review
that cannot be true (a source dated after its reading) is a positioned error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import obligate
from obligate import QueryError
from obligate.interfaces.cli import app
from obligate.language.compiler import compile_paths
from obligate.language.diagnostics import RuleFileError

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "tests" / "fixtures" / "freshness" / "library.obl"
GOLDEN = ROOT / "tests" / "golden" / "freshness"
TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def small() -> obligate.RuleBase:
    return obligate.load(LIBRARY)


@pytest.mark.parametrize(
    ("older_than", "due"),
    [
        # 90 days exactly is not older than 90 days; 91 is.
        (90, ["XA-NEVER", "XA-LITIGATED", "XA-DUE"]),
        (91, ["XA-NEVER", "XA-LITIGATED"]),
        (320, ["XA-NEVER"]),
        (0, ["XA-NEVER", "XA-LITIGATED", "XA-DUE", "XA-FRESH", "XA-LITIGATED"]),
    ],
)
def test_stale_lists_readings_older_than_the_threshold_and_never_made(
    small: obligate.RuleBase, older_than: int, due: list[str]
) -> None:
    assert [r.instrument for r in small.stale(older_than, TODAY)] == due


def test_a_court_history_is_reviewed_apart_from_its_statute(small: obligate.RuleBase) -> None:
    readings = {(r.instrument, r.subject): r for r in small.stale(0, TODAY)}
    statute = readings[("XA-LITIGATED", "instrument")]
    docket = readings[("XA-LITIGATED", "court history")]
    assert (statute.reviewed, statute.age_days) == ("2026-11-30", 1)
    assert (docket.reviewed, docket.source, docket.source_date, docket.age_days) == (
        "2026-01-15",
        "A v. B, docket",
        "2026-01-10",
        320,
    )
    assert docket.where.endswith("library.obl:31")


def test_review_data_is_on_the_model(small: obligate.RuleBase) -> None:
    due = small.instruments["XA-DUE"].reviewed
    assert due is not None
    assert (due.on.isoformat(), due.source, due.source_date) == (
        "2026-09-01",
        "Regulator's guidance page",
        None,
    )


@pytest.mark.parametrize("bad", [-1, "90", 1.5, True])
def test_threshold_must_be_whole_days(small: obligate.RuleBase, bad: object) -> None:
    with pytest.raises(QueryError, match="older_than"):
        small.stale(bad, TODAY)  # type: ignore[arg-type]


def test_a_source_dated_after_its_review_is_a_positioned_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.obl"
    broken.write_text(
        'jurisdiction XA "Aland" {}\n'
        'instrument XA-ACT "An act" {\n'
        "  jurisdiction: XA\n"
        "  effective: 2024-01-01\n"
        '  reviewed: 2026-01-01 against "Gazette" dated 2026-02-01\n'
        "}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as caught:
        compile_paths([broken], use_cache=False)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.col) == ("E117", 5, 13)
    assert "dated 2026-02-01, after the review on 2026-01-01" in diagnostic.message


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_stale_command_output(fmt: str, update_goldens: bool) -> None:
    args = ["stale", "--rules", str(LIBRARY.relative_to(ROOT)), "--older-than", "90d"]
    result = CliRunner().invoke(app, [*args, "--today", TODAY, "--format", fmt])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"stale.{fmt}"
    if update_goldens or not golden.exists():
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")
    if fmt == "json":
        assert [r["instrument"] for r in json.loads(result.output)["due"]] == [
            "XA-NEVER",
            "XA-LITIGATED",
            "XA-DUE",
        ]


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--older-than", "12w", "--fail"], 1), (["--older-than", "400", "--fail"], 1),
     (["--older-than", "soon"], 2)],
)
def test_stale_exit_codes(args: list[str], code: int) -> None:
    base = ["stale", "--rules", str(LIBRARY.relative_to(ROOT)), "--today", TODAY]
    assert CliRunner().invoke(app, [*base, *args]).exit_code == code


def test_the_shipped_library_records_review_dates(rulebase: obligate.RuleBase) -> None:
    reviewed = [i for i in rulebase.instruments.values() if i.reviewed is not None]
    # Issue 15's re-verification recorded a reading for most instruments; the rest are what
    # `obligate stale` reports as never reviewed.
    assert len(reviewed) >= 70
    assert all(i.reviewed is None or i.reviewed.on.year >= 2026 for i in reviewed)
