"""Baseline, conflicts and divergence: what a comparison means for a service in every market.

``baseline`` reads the strictest common reading off the matrix, ``conflicts`` finds where one
market prohibits what another permits and where one requires what another limits (keeping
data against minimising it), and ``divergence`` measures how far the markets differ.
"""

from __future__ import annotations

import math
from typing import Literal

from obligate.determination.answer import CitationOut, citation_out
from obligate.determination.rulebase import RuleBase
from obligate.harmonise.cells import CellDuty
from obligate.harmonise.compare import Comparison
from obligate.harmonise.conflicts import Conflict
from obligate.harmonise.markets import FrozenModel, as_date, number
from obligate.harmonise.periods import STRICTEST, Period, period_text, strictest

AGE_PARAMETERS = (
    "digital_consent_age",
    "parental_consent_age",
    "social_media_minimum_age",
    "child_age",
)


class BaselineLine(FrozenModel):
    category: str
    kind: Literal["age", "deadline", "duty", "coverage"]
    text: str
    market: str
    duty: str | None = None
    citation: CitationOut | None = None
    value: float | None = None
    # a coverage line: the markets whose cell is in one state other than "applies"
    state: str | None = None
    markets: list[str] = []
    period_kind: str | None = None  # a deadline line: the kind of period it is strictest of


class Baseline(FrozenModel):
    version: str
    date: str
    markets: list[str]
    lines: list[BaselineLine]
    conflicts: list[Conflict]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class Divergence(FrozenModel):
    category: str
    imposing: int
    markets: int
    age_spread: float | None
    deadline_ratio: float | None
    score: float


# ---------------------------------------------------------------- baseline and conflicts


def baseline(comparison: Comparison, rulebase: RuleBase) -> Baseline:
    """The strictest common reading: highest ages, the strictest period of each kind
    (shortest time limit, longest retention, most frequent reporting, longest notice), every
    obligation and prohibition, each line citing the market and provision it comes from."""
    lines = _age_baseline(comparison, rulebase)
    for category in comparison.categories:
        lines.extend(_category_baseline(comparison, category))
        lines.extend(_coverage(comparison, category))
    order = {"age": 0, "duty": 1, "deadline": 2, "coverage": 3}
    lines.sort(key=lambda line: (line.category, order[line.kind]))
    return Baseline(
        version=comparison.version,
        date=comparison.date,
        markets=comparison.markets,
        lines=lines,
        conflicts=comparison.conflicts,
    )


def _age_baseline(comparison: Comparison, rulebase: RuleBase) -> list[BaselineLine]:
    """The highest value of each age parameter across the markets, with where it is set."""
    lines: list[BaselineLine] = []
    day = as_date(comparison.date)
    for name in AGE_PARAMETERS:
        values = [(rulebase.graph.parameters(mk, day).get(name), mk) for mk in comparison.markets]
        present = [(s, mk) for s, mk in values if s is not None]
        if present:
            setting, market = max(present, key=lambda p: (p[0].value, p[1]))
            citation = None
            if setting.under is not None:
                instrument = rulebase.instruments.get(setting.under.instrument)
                citation = citation_out(setting.under, instrument)
            lines.append(
                BaselineLine(
                    category=_category_of(name),
                    kind="age",
                    market=market,
                    text=f"{name}: {number(setting.value)} (highest, from {setting.origin})",
                    citation=citation,
                    value=setting.value,
                )
            )
    return lines


def _category_of(parameter: str) -> str:
    return {
        "digital_consent_age": "parental_consent",
        "parental_consent_age": "parental_consent",
        "social_media_minimum_age": "minimum_age",
    }.get(parameter, "safety_by_design")


def _category_baseline(comparison: Comparison, category: str) -> list[BaselineLine]:
    lines: list[BaselineLine] = []
    periods: list[Period] = []
    seen: set[str] = set()
    for market in comparison.markets:
        for duty in comparison.cell(category, market).duties:
            if duty.modality in ("obligation", "prohibition") and duty.id not in seen:
                seen.add(duty.id)
                verb = "must" if duty.modality == "obligation" else "must not"
                lines.append(
                    BaselineLine(
                        category=category,
                        kind="duty",
                        market=market,
                        duty=duty.id,
                        citation=duty.citation,
                        text=f"{verb}: {duty.title} ({duty.ages}){_status(duty)}",
                    )
                )
            if duty.deadline and duty.deadline.hours is not None:
                periods.append(
                    Period(duty.deadline.kind, duty.deadline.hours, duty.deadline, duty.id, market)
                )
    # Kind-aware: the shortest time limit, the longest retention, the most frequent report
    # and the longest notice; a period of one kind is never weighed against another's.
    for kind, period in strictest(periods).items():
        duty = next(
            d for d in comparison.cell(category, period.market).duties if d.id == period.duty
        )
        lines.append(
            BaselineLine(
                category=category,
                kind="deadline",
                market=period.market,
                duty=period.duty,
                citation=duty.citation,
                value=period.hours,
                text=f"{STRICTEST[kind][1]}: {period_text(period.deadline)} ({period.duty})",
                period_kind=kind,
            )
        )
    return lines


def _status(duty: CellDuty) -> str:
    """A duty's standing, where it is not plainly in force (an injunction stayed, say)."""
    return f" — {duty.standing}" if duty.standing and duty.standing != "in force" else ""


COVERAGE_TEXT = {
    "conditional": "open question: a duty turns on a fact the service file leaves out",
    "not applicable": "encoded, but not applicable to this service",
    "no duty in this law": "no duty in this law (a reviewed absence)",
    "not encoded": "not encoded: the library does not know, so this baseline cannot speak "
    "for these markets",
}


def _coverage(comparison: Comparison, category: str) -> list[BaselineLine]:
    """Where nothing applies, say which of the other states each market is in, so a
    baseline never reads a gap in the library as a market without the duty."""
    by_state: dict[str, list[str]] = {}
    for market in comparison.markets:
        state: str = comparison.cell(category, market).state
        if state != "applies":
            by_state.setdefault(state, []).append(market)
    lines = []
    for state, text in COVERAGE_TEXT.items():
        if state in by_state:
            markets = by_state[state]
            lines.append(
                BaselineLine(
                    category=category,
                    kind="coverage",
                    market=", ".join(markets),
                    text=text,
                    state=state,
                    markets=markets,
                )
            )
    return lines


# ---------------------------------------------------------------- divergence


def divergence(comparison: Comparison) -> list[Divergence]:
    """How far the markets diverge per category, most divergent first.

    score = 0.5 * split + 0.25 * ages + 0.25 * deadlines, each part in [0, 1]:
    split = 1 - |2 * imposing / markets - 1| (1 when half the markets impose the category,
    0 when all or none do); ages = spread of the age parameters in the cells / 5 years,
    capped at 1; deadlines = log10(longest / shortest deadline) / 2, capped at 1.
    """
    rows = []
    total = len(comparison.markets)
    for category in comparison.categories:
        cells = [comparison.cell(category, mk) for mk in comparison.markets]
        imposing = sum(1 for c in cells if c.state == "applies")
        ages = [p.value for c in cells for p in c.parameters]
        age_spread = float(max(ages) - min(ages)) if ages else None
        hours = [c.shortest_deadline_hours for c in cells if c.shortest_deadline_hours]
        ratio = max(hours) / min(hours) if hours else None
        split = 1 - abs(2 * imposing / total - 1) if total else 0.0
        score = (
            0.5 * split
            + 0.25 * min((age_spread or 0) / 5, 1)
            + 0.25 * min(math.log10(ratio) / 2 if ratio else 0, 1)
        )
        rows.append(
            Divergence(
                category=category,
                imposing=imposing,
                markets=total,
                age_spread=age_spread,
                deadline_ratio=ratio,
                score=round(score, 3),
            )
        )
    return sorted(rows, key=lambda r: (-r.score, r.category))
