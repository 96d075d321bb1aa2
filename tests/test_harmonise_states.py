"""Compare and baseline over every market of the shipped library: each cell is in exactly one
state, and no state is said where another holds (issue 13, point 5).

The states are read back against the library itself, not against the code that set them:
"not encoded" only where no duty of the category is hooked to a place whose law reaches the
market, "no duty in this law" only where a reviewed absence says so, "not applicable" only
with a reason for every duty it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from obligate import RuleBase
from obligate.harmonise import harmonize
from obligate.harmonise.markets import duty_places
from obligate.reports import harmonise as reports

ROOT = Path(__file__).resolve().parents[1]
SERVICE: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "social-platform.yaml").read_text())
DATE = "2026-11-25"


@pytest.fixture(scope="module")
def comparison(rulebase: RuleBase) -> harmonize.Comparison:
    return harmonize.compare(rulebase, SERVICE, sorted(rulebase.jurisdictions), DATE)


def _encoded(rulebase: RuleBase, market: str, category: str) -> set[str]:
    reach = set(rulebase.graph.reach(market))
    return {
        d.id
        for d in rulebase.duties.values()
        if d.category == category and duty_places(rulebase, d) & reach
    }


# state -> what must hold of a cell in that state (cell, ids of encoded duties)
RULES: dict[str, Any] = {
    "applies": lambda c, encoded: bool(c.duties) and bool(c.modalities),
    "conditional": lambda c, encoded: not c.duties and bool(c.open),
    "not applicable": lambda c, encoded: (
        not c.duties
        and not c.open
        and bool(c.not_applicable or c.suspended_why)
        and {a.id for a in (*c.not_applicable, *c.suspended_why)} <= encoded
    ),
    "no duty in this law": lambda c, encoded: not encoded and c.absence is not None,
    "not encoded": lambda c, encoded: not encoded and c.absence is None,
}


@pytest.mark.parametrize("state", list(RULES))
def test_every_cell_in_this_state_meets_its_rule_and_no_other(
    rulebase: RuleBase, comparison: harmonize.Comparison, state: str
) -> None:
    wrong = []
    for category in comparison.categories:
        for market in comparison.markets:
            cell = comparison.cell(category, market)
            encoded = _encoded(rulebase, market, category)
            holds = {s for s, rule in RULES.items() if rule(cell, encoded)}
            if cell.state == state and holds != {state}:
                wrong.append((category, market, cell.state, sorted(holds)))
    assert not wrong, wrong[:10]


def test_the_states_cover_every_cell(comparison: harmonize.Comparison) -> None:
    states = {
        comparison.cell(c, m).state for c in comparison.categories for m in comparison.markets
    }
    assert states <= set(harmonize.CELL_STATES)
    # the shipped library has cells of every state but the open question (the example
    # service file answers every fact the law reads)
    assert states >= {"applies", "not applicable", "no duty in this law", "not encoded"}


def test_not_applicable_says_why_for_every_duty(comparison: harmonize.Comparison) -> None:
    for row in comparison.cells.values():
        for cell in row.values():
            for aside in (*cell.not_applicable, *cell.suspended_why, *cell.open):
                assert aside.why.strip(), (cell.category, cell.market, aside.id)


def test_a_prohibition_on_how_to_assure_age_is_not_age_assurance_prohibited(
    comparison: harmonize.Comparison,
) -> None:
    cell = comparison.cell("age_assurance", "AU")
    assert cell.state == "applies"
    assert "AU-OSA-63DB" in [d.id for d in cell.duties]
    text = reports.cell_text(cell)
    assert text.splitlines()[0] == "applies"
    assert "must not AU-OSA-63DB" in text


def test_baseline_names_the_state_of_every_market_where_nothing_applies(
    rulebase: RuleBase, comparison: harmonize.Comparison
) -> None:
    result = harmonize.baseline(comparison, rulebase)
    for category in comparison.categories:
        said = {
            market: line.state
            for line in result.lines
            if line.category == category and line.kind == "coverage"
            for market in line.markets
        }
        expected = {
            m: comparison.cell(category, m).state
            for m in comparison.markets
            if comparison.cell(category, m).state != "applies"
        }
        assert said == expected, category


def test_baseline_strictness_is_kind_aware_in_every_category(
    rulebase: RuleBase, comparison: harmonize.Comparison
) -> None:
    """The shortest time limit and reporting interval, the longest retention and notice
    period, each kind on its own line: a preservation period is never read as a time limit
    (Brazil's 6 months against the US year was the old mistake)."""
    from obligate.harmonise.periods import STRICTEST

    result = harmonize.baseline(comparison, rulebase)
    for category in comparison.categories:
        found: dict[str, list[float]] = {}
        for market in comparison.markets:
            for duty in comparison.cell(category, market).duties:
                if duty.deadline and duty.deadline.hours is not None:
                    found.setdefault(duty.deadline.kind, []).append(duty.deadline.hours)
        lines = [x for x in result.lines if x.category == category and x.kind == "deadline"]
        assert sorted(x.period_kind or "" for x in lines) == sorted(found), category
        for line in lines:
            kind = line.period_kind or ""
            longest = STRICTEST[kind][0]
            assert line.value == (max if longest else min)(found[kind]), (category, kind)
    preservation = [
        x for x in result.lines if x.category == "preservation" and x.kind == "deadline"
    ]
    assert [(x.period_kind, x.duty) for x in preservation] == [("retention", "US-2258A-H-1")]


def test_a_duty_coming_after_launch_is_read_at_the_age_it_will_bind(rulebase: RuleBase) -> None:
    """Australia's s. 63D binds from 2025-12-10 for users under 16: a launch before then
    lists it under 'coming' for under-16s, not under-18s (issue 13, point 9)."""
    listing = harmonize.checklist(rulebase, SERVICE, ["AU"], "2025-11-01")
    [item] = [i for i in listing.coming if i.id == "AU-OSA-63D"]
    assert item.ages == {"AU": "under 16"}
    assert "under 16" in reports.checklist_markdown(listing)


def test_the_dsa_transparency_report_of_a_very_large_platform_is_six_monthly(
    rulebase: RuleBase,
) -> None:
    listing = harmonize.checklist(rulebase, SERVICE, ["DE"], DATE)
    [item] = [i for i in listing.items if i.id == "EU-DSA-42-1"]
    assert item.deadline is not None and item.deadline.kind == "reporting interval"
    assert "deadline report every 6 months" in reports.checklist_markdown(listing)
