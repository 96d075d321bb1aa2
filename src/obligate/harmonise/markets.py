"""What compare and checklist share: the markets and ages asked about, the age bands the law
itself cuts, and each instrument's enforcement line.

The inputs are checked here so both commands reject a bad market, category, age range or date
with the same field errors; the age bands are cut at the ages the law of those markets uses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from obligate.determination.enforcement import EnforcementOut, enforcement_of
from obligate.determination.query import FieldError, QueryError
from obligate.determination.rulebase import RuleBase
from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean

DEFAULT_AGES = (0, 17)


class FrozenModel(BaseModel):
    """The base of every harmonise output model: immutable, and strict about its keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AgeBand(FrozenModel):
    low: int
    high: int  # inclusive

    @property
    def label(self) -> str:
        return f"{self.low}" if self.low == self.high else f"{self.low}–{self.high}"


# ---------------------------------------------------------------- inputs


def check_markets(rulebase: RuleBase, markets: Sequence[str]) -> list[str]:
    errors = []
    for market in markets:
        if market not in rulebase.jurisdictions:
            errors.append(
                FieldError(
                    field="markets",
                    value=market,
                    message="unknown jurisdiction",
                    accepted="jurisdiction codes of the rule library",
                    hint=did_you_mean(market, rulebase.jurisdictions),
                )
            )
    if not markets:
        errors.append(
            FieldError(
                field="markets",
                value="",
                message="no market given",
                accepted="a comma-separated list such as DE,FR,GB",
            )
        )
    if errors:
        raise QueryError(errors)
    return list(dict.fromkeys(markets))


def check_categories(rulebase: RuleBase, wanted: Sequence[str] | None) -> list[str]:
    known = rulebase.compiled.library.categories
    if not wanted:
        return sorted(known)
    errors = [
        FieldError(
            field="categories",
            value=c,
            message="unknown category",
            accepted=", ".join(sorted(known)),
            hint=did_you_mean(c, known),
        )
        for c in wanted
        if c not in known
    ]
    if errors:
        raise QueryError(errors)
    return sorted(dict.fromkeys(wanted))


def parse_ages(text: str | None) -> tuple[int, int]:
    """``"8-17"`` to (8, 17)."""
    if not text:
        return DEFAULT_AGES
    try:
        low_text, high_text = text.replace("–", "-").split("-")
        low, high = int(low_text), int(high_text)
    except ValueError:
        raise QueryError(
            [
                FieldError(
                    field="ages",
                    value=text,
                    message="not an age range",
                    accepted="LOW-HIGH in whole years, e.g. 8-17",
                )
            ]
        ) from None
    if not 0 <= low <= high <= 130:
        raise QueryError(
            [
                FieldError(
                    field="ages",
                    value=text,
                    message="out of range",
                    accepted="0 <= LOW <= HIGH <= 130",
                )
            ]
        )
    return low, high


def as_date(date: dt.date | str) -> dt.date:
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise QueryError(
            [FieldError(field="date", value=date, message="not a date", accepted="YYYY-MM-DD")]
        ) from None


def number(value: float) -> float | int:
    """A whole number without its ``.0`` (16, not 16.0), as the law writes it."""
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------- age bands


def bands_for(
    rulebase: RuleBase,
    markets: Sequence[str],
    day: dt.date,
    ages: tuple[int, int] | str | None,
    until: dt.date | None = None,
) -> list[AgeBand]:
    """The age bands to ask about: ``ages`` cut at every threshold the markets' law uses on
    ``day``, and on ``until`` too when given (a checklist reads the year after launch, and an
    age parameter that starts within it, such as Australia's minimum age of 16 from
    2025-12-10, must cut the bands of the duties that read it)."""
    low, high = parse_ages(ages) if not isinstance(ages, tuple) else ages
    cuts = thresholds(rulebase, markets, day)
    if until is not None:
        cuts |= thresholds(rulebase, markets, until)
    return age_bands(cuts, low, high)


def thresholds(rulebase: RuleBase, markets: Iterable[str], date: dt.date) -> set[int]:
    """The ages at which the law of these markets changes what applies: the numbers duties
    compare ``user.age`` with, and the age parameters in force in each market."""
    reached: set[str] = set()
    cuts: set[int] = set()
    for market in markets:
        reached.update(rulebase.graph.reach(market))
        for setting in rulebase.graph.parameters(market, date).values():
            cuts.add(math.ceil(setting.value))
    for duty in rulebase.duties.values():
        if not duty_places(rulebase, duty) & reached:
            continue
        for condition in (duty.when, duty.unless):
            cuts.update(_age_constants(condition))
    return cuts


def duty_places(rulebase: RuleBase, duty: m.Duty) -> set[str]:
    """Where a duty's law comes from: its ``applies to`` hooks, else its instrument's place."""
    return {h.jurisdiction for h in duty.applies_to} or _instrument_place(rulebase, duty)


def _instrument_place(rulebase: RuleBase, duty: m.Duty) -> set[str]:
    instrument = rulebase.instruments.get(duty.cites.instrument) if duty.cites else None
    return {instrument.jurisdiction} if instrument and instrument.jurisdiction else set()


def _age_constants(condition: m.Condition | None) -> set[int]:
    from obligate.language.resolve import walk

    found: set[int] = set()
    for leaf in walk(condition) if condition is not None else ():
        if not isinstance(leaf, m.Compare):
            continue
        pairs = ((leaf.left, leaf.right, leaf.op), (leaf.right, leaf.left, leaf.op))
        for fact, constant, op in pairs:
            if (
                isinstance(fact, m.FactRef)
                and fact.subject == "user"
                and fact.name == "age"
                and isinstance(constant, m.NumberLit)
            ):
                # user.age <= 15 changes at 16; user.age < 16 and user.age >= 16 at 16
                value = constant.value + (1 if op in ("<=", ">") else 0)
                found.add(math.ceil(value))
    return found


def age_bands(cuts: Iterable[int], low: int, high: int) -> list[AgeBand]:
    inside = sorted(c for c in set(cuts) if low < c <= high)
    starts = [low, *inside]
    ends = [c - 1 for c in inside] + [high]
    return [AgeBand(low=a, high=b) for a, b in zip(starts, ends, strict=True)]


def ages_in_words(found: list[AgeBand], bands: list[AgeBand], scope: str = "user") -> str:
    """The ages a duty covers, in words: "all ages" for a duty that binds the service
    whatever the user's age, otherwise the bands ("under 16", "13–15", "16 and over")."""
    if scope == "service":
        return "all ages"
    if len(found) == len(bands):
        return f"under {bands[-1].high + 1}"
    if not found:
        return "none"
    contiguous = all(b.low == a.high + 1 for a, b in zip(found, found[1:], strict=False))
    if contiguous:
        low, high = found[0].low, found[-1].high
        if low == bands[0].low:
            return f"under {high + 1}"
        return f"{low}–{high}" if high != bands[-1].high else f"{low} and over"
    return ", ".join(b.label for b in found)


# ---------------------------------------------------------------- enforcement


class Enforcement:
    """Each instrument's enforcement line, read once per comparison or checklist."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self.found: dict[str, EnforcementOut] = {}

    def of(self, instrument: str) -> EnforcementOut:
        if instrument not in self.found:
            self.found[instrument] = enforcement_of(self.rulebase, instrument)
        return self.found[instrument]

    def line(self, instrument: str) -> str:
        """Who enforces, and the ceilings in short: "Ofcom · 10% of worldwide turnover; ..."."""
        found = self.of(instrument)
        who = ", ".join(r.name for r in found.regulators) or f"regulator {found.regulator_state}"
        if found.penalty_state != "given":
            return f"{who} · penalties {found.penalty_state}"
        return f"{who} · {found.exposure.text}"
