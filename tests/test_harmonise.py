"""Compare, baseline, divergence and the launch checklist on a fixed rule set: golden files
for every format, a property test that the baseline is never weaker than any market, and the
HTML checklist rendered in headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import obligate
from obligate import QueryError, RuleBase
from obligate.harmonise import harmonize
from obligate.interfaces.cli import app
from obligate.reports import harmonise as reports

FIXTURES = Path(__file__).parent / "fixtures"
RULES = [FIXTURES / "mini", FIXTURES / "markets"]
SERVICE_FILE = FIXTURES / "markets" / "service.yaml"
SERVICE: dict[str, Any] = yaml.safe_load(SERVICE_FILE.read_text())
MARKETS = ["XA", "XB", "XF-1", "XO"]
GOLDEN = Path(__file__).parent / "golden" / "harmonise"
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def rulebase() -> RuleBase:
    return obligate.load(*RULES, use_cache=False)


def rules_args() -> list[str]:
    return [arg for path in RULES for arg in ("--rules", str(path.relative_to(Path.cwd())))]


COMMANDS = {
    "compare": ["compare", "--markets", ",".join(MARKETS), "--date", "2026-06-01"],
    "baseline": ["baseline", "--markets", ",".join(MARKETS), "--date", "2026-06-01"],
    "checklist": ["checklist", "--markets", ",".join(MARKETS), "--launch-date", "2026-06-01"],
    "checklist-by-exposure": [
        "checklist",
        "--markets",
        ",".join(MARKETS),
        "--launch-date",
        "2026-06-01",
        "--sort",
        "exposure",
    ],
}
FORMATS = {
    "compare": ["table", "json", "md", "html", "csv"],
    "baseline": ["table", "json", "md", "html", "csv"],
    "checklist": ["md", "html", "csv", "json"],
    "checklist-by-exposure": ["md"],
}
CASES = [(command, fmt) for command, formats in FORMATS.items() for fmt in formats]


@pytest.mark.parametrize(("command", "fmt"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_output_matches_golden(
    command: str, fmt: str, update_goldens: bool, rulebase: RuleBase
) -> None:
    service = ["--service", str(SERVICE_FILE.relative_to(Path.cwd()))]
    result = CliRunner().invoke(app, [*COMMANDS[command], *rules_args(), *service, "--format", fmt])
    assert result.exit_code == 0, result.output
    # The rule-base version hashes the grammar and the prelude too: keep it out of goldens.
    output = result.output.replace(rulebase.version, "<rulebase-version>")
    golden = GOLDEN / f"{command}.{fmt}"
    if update_goldens or not golden.exists():
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


CELL_CASES = [
    # (category, market, state, modalities of what applies, duties listed as not applicable)
    ("parental_consent", "XA", "applies", ["obligation"], []),
    ("content_restriction", "XA", "applies", ["prohibition"], ["X-DETECT"]),
    ("content_restriction", "XF-1", "applies", ["permission"], []),
    ("parental_consent", "XO", "no duty in this law", [], []),
    ("parental_consent", "XF-1", "not encoded", [], []),
    # encoded for XF-1: one bill pending, one law not yet in effect
    ("minimum_age", "XF-1", "not applicable", [], ["XF-MINAGE"]),
    # encoded for services established in XF; this one is established in XO
    ("report_to_authority", "XF-1", "not applicable", [], ["X-OLD-REPORT"]),
]


@pytest.mark.parametrize(
    ("category", "market", "state", "modalities", "not_applicable"), CELL_CASES
)
def test_each_cell_is_in_exactly_one_state(
    rulebase: RuleBase,
    category: str,
    market: str,
    state: str,
    modalities: list[str],
    not_applicable: list[str],
) -> None:
    cell = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01").cell(category, market)
    assert (cell.state, cell.modalities) == (state, modalities)
    assert [a.id for a in cell.not_applicable] == not_applicable
    assert all(a.why for a in (*cell.not_applicable, *cell.suspended_why, *cell.open))


def test_age_bands_come_from_the_law(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01", "8-17")
    # 13 and 15 are XA's and XB's consent ages, 16 the union default; 18 is past the range
    assert [b.label for b in comparison.bands] == ["8–12", "13–14", "15", "16–17"]
    consent = {
        m: [d.ages for d in comparison.cell("parental_consent", m).duties] for m in ("XA", "XB")
    }
    assert consent == {"XA": ["under 13"], "XB": ["under 15"]}


def test_deadlines_compare_in_hours_and_the_baseline_keeps_the_shortest(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    assert comparison.cell("takedown", "XA").shortest_deadline_hours == 24
    assert comparison.cell("takedown", "XF-1").shortest_deadline_hours == 48
    result = harmonize.baseline(comparison, rulebase)
    [deadline] = [
        line for line in result.lines if line.category == "takedown" and line.kind == "deadline"
    ]
    assert (deadline.value, deadline.duty, deadline.market) == (24, "XU-TAKEDOWN", "XA")


KIND_CASES = [
    # (category, kind, the strictest period's duty, its market, its hours, how it reads)
    ("takedown", "time limit", "XU-TAKEDOWN", "XA", 24, "shortest time limit: within 24 hours"),
    ("preservation", "retention", "XF-PRESERVE", "XF-1", 8766, "keep for 1 year"),
    ("transparency_reporting", "reporting interval", "XF-REPORT", "XF-1", 4383, "every 6 months"),
]


@pytest.mark.parametrize(("category", "kind", "duty", "market", "hours", "text"), KIND_CASES)
def test_the_baseline_keeps_the_strictest_period_of_each_kind(
    rulebase: RuleBase, category: str, kind: str, duty: str, market: str, hours: int, text: str
) -> None:
    """Shortest time limit, longest retention, most frequent report: never "0.5 y"."""
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    result = harmonize.baseline(comparison, rulebase)
    [line] = [
        line for line in result.lines if line.category == category and line.kind == "deadline"
    ]
    assert (line.period_kind, line.duty, line.market, line.value) == (kind, duty, market, hours)
    assert text in line.text
    for rendered in (reports.compare_markdown(comparison), reports.baseline_text(result)):
        assert not re.search(r"\d y\b", rendered)  # "0.5 y" was the old reading


def test_conflicts_are_listed_with_both_citations(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    conflicts = harmonize.baseline(comparison, rulebase).conflicts
    assert conflicts == comparison.conflicts  # compare and baseline list the same
    assert {(c.first.id, c.first_market, c.second.id, c.second_market) for c in conflicts} == {
        ("X-NO-SCAN", "XA", "XF-SCAN", "XF-1"),
        ("X-NO-SCAN", "XB", "XF-SCAN", "XF-1"),
        ("XF-PRESERVE", "XF-1", "XU-MINIMISE", "XA, XB"),
    }
    assert conflicts[0].first.citation.provision == "Art. 5"
    assert conflicts[0].second.citation.provision == "s. 30"


def test_an_obligation_to_keep_data_conflicts_with_one_to_minimise_it(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    [keeping] = [c for c in comparison.conflicts if c.subject == "keeping data"]
    assert (keeping.category, keeping.second_category) == ("preservation", "data_minimisation")
    assert (keeping.first.modality, keeping.second.modality) == ("obligation", "obligation")
    assert "check whether either law exempts" in keeping.detail
    # every human format names it with both citations
    for render in (reports.compare_table, reports.compare_markdown, reports.compare_html):
        assert "XF-PRESERVE" in render(comparison) and "XU-MINIMISE" in render(comparison)
    result = harmonize.baseline(comparison, rulebase)
    for text in (reports.baseline_text(result), reports.baseline_csv(result)):
        assert "XF-SAFETY s. 50 vs X-DATA Art. 5(1)(e)" in text


def test_divergence_ranks_the_least_harmonised_first(rulebase: RuleBase) -> None:
    rows = harmonize.divergence(harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01"))
    assert rows[0].category == "parental_consent"  # half the markets, ages 13 and 15
    assert rows == sorted(rows, key=lambda r: (-r.score, r.category))
    assert all(0 <= r.score <= 1 for r in rows)


def test_checklist_lists_what_changes_in_the_next_year(rulebase: RuleBase) -> None:
    result = harmonize.checklist(rulebase, SERVICE, MARKETS, "2026-06-01")
    assert {i.id for i in result.coming} == {"XF-MINAGE"}
    coming = result.coming[0]
    assert coming.ages == {"XF-1": "under 16"}
    assert [c.date for c in coming.changes] == ["2026-09-01"]
    watched = {(w.id, w.market) for w in result.watch}
    assert ("X-BILL-MINAGE", "XF-1") in watched


@pytest.mark.parametrize(("markets", "field"), [(["XQ"], "markets"), ([], "markets")])
def test_unknown_or_missing_markets_are_query_errors(
    rulebase: RuleBase, markets: list[str], field: str
) -> None:
    with pytest.raises(QueryError) as caught:
        harmonize.compare(rulebase, SERVICE, markets, "2026-06-01")
    assert caught.value.errors[0].field == field


def test_bad_age_range_is_a_query_error(rulebase: RuleBase) -> None:
    with pytest.raises(QueryError):
        harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01", "17-8")


DATES = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2028, 12, 31))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    markets=st.lists(
        st.sampled_from(["XU", "XA", "XB", "XF", "XF-1", "XO"]), min_size=1, max_size=4, unique=True
    ),
    date=DATES,
)
def test_the_baseline_is_never_weaker_than_any_market(
    rulebase: RuleBase, markets: list[str], date: dt.date
) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, markets, date)
    result = harmonize.baseline(comparison, rulebase)
    ages = {line.text.split(":")[0]: line.value for line in result.lines if line.kind == "age"}
    for market in markets:
        for name, setting in rulebase.graph.parameters(market, date).items():
            if name in harmonize.AGE_PARAMETERS:
                assert ages[name] is not None and ages[name] >= setting.value
    duties = {line.duty for line in result.lines if line.kind == "duty"}
    deadlines = {line.category: line.value for line in result.lines if line.kind == "deadline"}
    for category in comparison.categories:
        for market in markets:
            cell = comparison.cell(category, market)
            for duty in cell.duties:
                if duty.modality in ("obligation", "prohibition"):
                    assert duty.id in duties
            if cell.shortest_deadline_hours is not None:
                assert deadlines[category] is not None
                assert deadlines[category] <= cell.shortest_deadline_hours


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("OBLIGATE_REQUIRE_SERVICES"):
        pytest.fail("chromium is required in CI (OBLIGATE_REQUIRE_SERVICES is set)")
    return found


def test_html_checklist_renders_in_headless_chromium(tmp_path: Path, rulebase: RuleBase) -> None:
    from obligate.reports import harmonise as harmonize_report

    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium is not installed here; .ci/run installs it")
    page = tmp_path / "checklist.html"
    page.write_text(
        harmonize_report.checklist_html(
            harmonize.checklist(rulebase, SERVICE, MARKETS, "2026-06-01")
        ),
        encoding="utf-8",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "checklist.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,1800",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 10_000
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--dump-dom",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "Launch checklist" in dom and "X-CONSENT" in dom


def test_compare_json_is_the_model(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    data = json.loads(comparison.to_json())
    assert data["cells"]["takedown"]["XF-1"]["duties"][0]["id"] == "XF-TAKEDOWN"


def test_the_documented_checklist_schema_is_the_model() -> None:
    documented = json.loads((Path("docs") / "checklist.schema.json").read_text())
    assert documented == harmonize.Checklist.model_json_schema()


def test_checklist_by_exposure_puts_the_highest_ceilings_first(rulebase: RuleBase) -> None:
    result = harmonize.checklist(rulebase, SERVICE, MARKETS, "2026-06-01", sort="exposure")
    instruments = [item.citation.instrument for item in result.items]
    # 6% of worldwide turnover, then 4% (or 20m EUR), then a per-violation amount, then none
    first = {name: instruments.index(name) for name in ("X-PLATFORM", "X-DATA", "XF-SAFETY")}
    assert first["X-PLATFORM"] < first["X-DATA"] < first["XF-SAFETY"]
    assert instruments[-1] == "X-KIDS"  # no enforcement block: not encoded, last
    item = next(i for i in result.items if i.citation.instrument == "X-PLATFORM")
    assert item.enforcement == "Union Platform Authority · 6% of worldwide turnover"


def test_compare_cells_say_who_enforces(rulebase: RuleBase) -> None:
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    [duty] = comparison.cell("takedown", "XF-1").duties
    assert duty.enforcement.startswith("Federation Safety Commissioner · 500,000 USD")


STAYED = "injunction stayed in NetChoice v. Example (Appeals) on 2025-06-01"


def test_every_human_output_shows_the_latest_court_event(rulebase: RuleBase) -> None:
    """X-KIDS was enjoined, then the injunction stayed on appeal: each rendering says so,
    with the case and the date, not a plain binding duty (issue 13, point 1)."""
    comparison = harmonize.compare(rulebase, SERVICE, MARKETS, "2026-06-01")
    listing = harmonize.checklist(rulebase, SERVICE, MARKETS, "2026-06-01")
    result = harmonize.baseline(comparison, rulebase)
    renderings = {
        "compare table": reports.compare_table(comparison, width=2000),
        "compare md": reports.compare_markdown(comparison),
        "compare html": reports.compare_html(comparison),
        "compare csv": reports.compare_csv(comparison),
        "baseline text": reports.baseline_text(result),
        "baseline md": reports.baseline_markdown(result),
        "baseline csv": reports.baseline_csv(result),
        "checklist md": reports.checklist_markdown(listing),
        "checklist html": reports.checklist_html(listing),
        "checklist csv": reports.checklist_csv(listing),
    }
    missing = [name for name, text in renderings.items() if STAYED not in " ".join(text.split())]
    assert not missing


def test_open_questions_are_asked_in_words(rulebase: RuleBase) -> None:
    """A service file that leaves out a fact gets the question and the accepted values, not
    the fact's name (issue 13, point 3)."""
    service = {k: v for k, v in SERVICE.items() if k != "monthly_active_users"}
    comparison = harmonize.compare(rulebase, service, ["XA"], "2026-06-01")
    cell = comparison.cell("risk_assessment", "XA")
    assert cell.state == "conditional"
    [aside] = cell.open
    assert aside.id == "X-RISK"
    assert aside.why.startswith("What is the average monthly active recipients, per jurisdiction?")
    assert "a number per jurisdiction code" in aside.why
    listing = harmonize.checklist(rulebase, service, ["XA"], "2026-06-01")
    assert any(w.id == "X-RISK" and w.why == aside.why for w in listing.watch)
