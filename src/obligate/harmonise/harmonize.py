"""Harmonise: the law of several markets lined up, category by category.

``compare`` asks the rule base the same question in every market, once per age band (bands
cut at the age thresholds the law itself uses), and fills a categories × markets matrix.
``baseline`` reads the strictest common reading off that matrix, ``divergence`` measures how
far the markets differ, and ``checklist`` turns it into the list of duties a launch must meet.
Everything here is built on ``RuleBase.determine``; nothing reads rule files directly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from obligate.determination.answer import (
    CitationOut,
    DeadlineOut,
    Determination,
    DutyOut,
    citation_out,
)
from obligate.determination.enforcement import EnforcementOut, enforcement_of, exposure_key
from obligate.determination.query import FieldError, QueryError
from obligate.determination.rulebase import RuleBase, ServiceLike
from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean

CellState = Literal[
    "required", "prohibited", "permitted", "conditional", "no duty in this law", "not encoded"
]
DEFAULT_AGES = (0, 17)
AGE_PARAMETERS = (
    "digital_consent_age",
    "parental_consent_age",
    "social_media_minimum_age",
    "child_age",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AgeBand(_Model):
    low: int
    high: int  # inclusive

    @property
    def label(self) -> str:
        return f"{self.low}" if self.low == self.high else f"{self.low}–{self.high}"


class CellDuty(_Model):
    id: str
    enforcement: str = ""  # who enforces the instrument, and its penalty ceilings
    modality: str
    title: str
    jurisdiction: str
    citation: CitationOut
    ages: str  # the bands it applies to, in words ("all ages", "13–15", "under 16")
    bands: list[str]
    deadline: DeadlineOut | None
    status: str
    source: str


class CellParameter(_Model):
    name: str
    value: float | int
    origin: str


class Cell(_Model):
    market: str
    category: str
    state: CellState
    duties: list[CellDuty]
    conditional: list[str] = []
    suspended: list[str] = []
    parameters: list[CellParameter] = []
    shortest_deadline_hours: float | None = None
    absence: str | None = None  # the absence block that says "no duty in this law"


class Comparison(_Model):
    version: str
    date: str
    markets: list[str]
    categories: list[str]
    bands: list[AgeBand]
    cells: dict[str, dict[str, Cell]]  # category -> market -> cell

    def cell(self, category: str, market: str) -> Cell:
        return self.cells[category][market]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class BaselineLine(_Model):
    category: str
    kind: Literal["age", "deadline", "duty"]
    text: str
    market: str
    duty: str | None = None
    citation: CitationOut | None = None
    value: float | None = None


class Conflict(_Model):
    category: str
    first: CellDuty
    first_market: str
    second: CellDuty
    second_market: str
    detail: str


class Baseline(_Model):
    version: str
    date: str
    markets: list[str]
    lines: list[BaselineLine]
    conflicts: list[Conflict]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class Divergence(_Model):
    category: str
    imposing: int
    markets: int
    age_spread: float | None
    deadline_ratio: float | None
    score: float


# ---------------------------------------------------------------- inputs


def _check_markets(rulebase: RuleBase, markets: Sequence[str]) -> list[str]:
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


def _check_categories(rulebase: RuleBase, wanted: Sequence[str] | None) -> list[str]:
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


def _date(date: dt.date | str) -> dt.date:
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise QueryError(
            [FieldError(field="date", value=date, message="not a date", accepted="YYYY-MM-DD")]
        ) from None


# ---------------------------------------------------------------- age bands


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
        hooks = {h.jurisdiction for h in duty.applies_to} or _instrument_place(rulebase, duty)
        if not hooks & reached:
            continue
        for condition in (duty.when, duty.unless):
            cuts.update(_age_constants(condition))
    return cuts


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
        for fact, number, op in pairs:
            if (
                isinstance(fact, m.FactRef)
                and fact.subject == "user"
                and fact.name == "age"
                and isinstance(number, m.NumberLit)
            ):
                # user.age <= 15 changes at 16; user.age < 16 and user.age >= 16 at 16
                value = number.value + (1 if op in ("<=", ">") else 0)
                found.add(math.ceil(value))
    return found


def age_bands(cuts: Iterable[int], low: int, high: int) -> list[AgeBand]:
    inside = sorted(c for c in set(cuts) if low < c <= high)
    starts = [low, *inside]
    ends = [c - 1 for c in inside] + [high]
    return [AgeBand(low=a, high=b) for a, b in zip(starts, ends, strict=True)]


# ---------------------------------------------------------------- compare


def compare(
    rulebase: RuleBase,
    service: ServiceLike,
    markets: Sequence[str],
    date: dt.date | str,
    ages: tuple[int, int] | str | None = None,
    categories: Sequence[str] | None = None,
) -> Comparison:
    """The categories × markets matrix for one service on one date."""
    markets = _check_markets(rulebase, markets)
    day = _date(date)
    low, high = parse_ages(ages) if not isinstance(ages, tuple) else ages
    bands = age_bands(thresholds(rulebase, markets, day), low, high)
    categories = _check_categories(rulebase, categories)
    cells: dict[str, dict[str, Cell]] = {c: {} for c in categories}
    enforcement = _Enforcement(rulebase)
    for market in markets:
        answers = [
            (band, rulebase.determine(service, {"age": band.low, "location": market}, day))
            for band in bands
        ]
        for category in categories:
            cells[category][market] = _cell(
                rulebase, market, category, answers, bands, day, enforcement
            )
    return Comparison(
        version=rulebase.version,
        date=day.isoformat(),
        markets=markets,
        categories=categories,
        bands=bands,
        cells=cells,
    )


def _cell(
    rulebase: RuleBase,
    market: str,
    category: str,
    answers: list[tuple[AgeBand, Determination]],
    bands: list[AgeBand],
    day: dt.date,
    enforcement: _Enforcement,
) -> Cell:
    applying: dict[str, tuple[DutyOut, list[AgeBand]]] = {}
    conditional: set[str] = set()
    suspended: set[str] = set()
    # The market's own law: duties whose jurisdiction reaches the market. A duty that binds
    # the service because of where it is established (EU law for an Irish provider) belongs
    # to the column of the law that imposes it, not to every market the service serves.
    own = set(rulebase.graph.reach(market))
    for band, answer in answers:
        for duty in answer.duties:
            if duty.category == category and duty.jurisdiction in own:
                applying.setdefault(duty.id, (duty, []))[1].append(band)
        conditional.update(
            d.id for d in answer.conditional if d.category == category and d.jurisdiction in own
        )
        suspended.update(
            d.id for d in answer.suspended if d.category == category and d.jurisdiction in own
        )
    duties = [_cell_duty(duty, found, bands, enforcement) for duty, found in applying.values()]
    duties.sort(key=lambda d: (d.modality, d.id))
    modalities = {d.modality for d in duties}
    absence = None
    if not duties:
        absence = _absence(rulebase, market, category, day)
    state = _state(modalities, bool(conditional - set(applying)), absence is not None)
    deadlines = [d.deadline.hours for d in duties if d.deadline and d.deadline.hours is not None]
    return Cell(
        market=market,
        category=category,
        state=state,
        duties=duties,
        conditional=sorted(conditional - set(applying)),
        suspended=sorted(suspended - set(applying)),
        parameters=_parameters(rulebase, market, category, [d.id for d in duties], day),
        shortest_deadline_hours=min(deadlines) if deadlines else None,
        absence=absence,
    )


def _state(modalities: set[str], open_duties: bool, absent: bool) -> CellState:
    if "prohibition" in modalities:
        return "prohibited"
    if "obligation" in modalities:
        return "required"
    if "permission" in modalities:
        return "permitted"
    if open_duties:
        return "conditional"  # a duty turns on facts the query left out
    return "no duty in this law" if absent else "not encoded"


def _cell_duty(
    duty: DutyOut, found: list[AgeBand], bands: list[AgeBand], enforcement: _Enforcement
) -> CellDuty:
    return CellDuty(
        id=duty.id,
        enforcement=enforcement.line(duty.citation.instrument),
        modality=duty.modality,
        title=duty.title,
        jurisdiction=duty.jurisdiction,
        citation=duty.citation,
        ages=ages_in_words(found, bands, duty.scope),
        bands=[b.label for b in found],
        deadline=duty.deadline,
        status=duty.status,
        source=duty.source,
    )


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


def _absence(rulebase: RuleBase, market: str, category: str, day: dt.date) -> str | None:
    """An absence holds for a market when the market itself, and every place above it whose
    law imposes platform duties in the library, was reviewed for this category (treaties
    that bind only states do not count)."""
    with_duties = {
        place for duty in rulebase.duties.values() for place in _duty_places(rulebase, duty)
    }
    reviewed = {
        (a.jurisdiction, a.category): a.id
        for a in rulebase.absences.values()
        if a.checked is not None and a.checked <= day
    }
    places = [p for p in rulebase.graph.reach(market) if p in with_duties or p == market]
    found = [reviewed.get((p, category)) for p in places]
    if found and all(found):
        return ", ".join(a for a in found if a)
    return None


def _duty_places(rulebase: RuleBase, duty: m.Duty) -> set[str]:
    return {h.jurisdiction for h in duty.applies_to} or _instrument_place(rulebase, duty)


def _parameters(
    rulebase: RuleBase, market: str, category: str, duty_ids: list[str], day: dt.date
) -> list[CellParameter]:
    from obligate.language.resolve import walk

    names: set[str] = set()
    for duty_id in duty_ids:
        duty = rulebase.duties[duty_id]
        for condition in (duty.when, duty.unless):
            for leaf in walk(condition) if condition is not None else ():
                if isinstance(leaf, m.Compare):
                    names.update(
                        o.name for o in (leaf.left, leaf.right) if isinstance(o, m.ParamRef)
                    )
    settings = rulebase.graph.parameters(market, day)
    return [
        CellParameter(name=n, value=_number(settings[n].value), origin=settings[n].origin)
        for n in sorted(names)
        if n in settings
    ]


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------- baseline and conflicts


def baseline(comparison: Comparison, rulebase: RuleBase) -> Baseline:
    """The strictest common reading: highest ages, shortest deadlines, every obligation and
    prohibition, each line citing the market and provision it comes from."""
    lines: list[BaselineLine] = []
    day = _date(comparison.date)
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
                    text=f"{name}: {_number(setting.value)} (highest, from {setting.origin})",
                    citation=citation,
                    value=setting.value,
                )
            )
    for category in comparison.categories:
        lines.extend(_category_baseline(comparison, category))
    order = {"age": 0, "duty": 1, "deadline": 2}
    lines.sort(key=lambda line: (line.category, order[line.kind]))
    return Baseline(
        version=comparison.version,
        date=comparison.date,
        markets=comparison.markets,
        lines=lines,
        conflicts=conflicts(comparison),
    )


def _category_of(parameter: str) -> str:
    return {
        "digital_consent_age": "parental_consent",
        "parental_consent_age": "parental_consent",
        "social_media_minimum_age": "minimum_age",
    }.get(parameter, "safety_by_design")


def _category_baseline(comparison: Comparison, category: str) -> list[BaselineLine]:
    lines: list[BaselineLine] = []
    shortest: tuple[float, str, CellDuty] | None = None
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
                        text=f"{verb}: {duty.title} ({duty.ages})",
                    )
                )
            hours = duty.deadline.hours if duty.deadline else None
            if hours is not None and (shortest is None or hours < shortest[0]):
                shortest = (hours, market, duty)
    if shortest is not None:
        hours, market, duty = shortest
        assert duty.deadline is not None
        lines.append(
            BaselineLine(
                category=category,
                kind="deadline",
                market=market,
                duty=duty.id,
                citation=duty.citation,
                value=hours,
                text=f"shortest deadline: {duty.deadline.text} ({duty.id})",
            )
        )
    return lines


def conflicts(comparison: Comparison) -> list[Conflict]:
    """Where one market prohibits what another permits, in the same category."""
    found: list[Conflict] = []
    for category in comparison.categories:
        prohibited = [
            (mk, d)
            for mk in comparison.markets
            for d in comparison.cell(category, mk).duties
            if d.modality == "prohibition"
        ]
        permitted = [
            (mk, d)
            for mk in comparison.markets
            for d in comparison.cell(category, mk).duties
            if d.modality == "permission"
        ]
        for (first_market, first), (second_market, second) in (
            (p, q) for p in prohibited for q in permitted if p[0] != q[0]
        ):
            found.append(
                Conflict(
                    category=category,
                    first=first,
                    first_market=first_market,
                    second=second,
                    second_market=second_market,
                    detail=f"{first_market} prohibits ({first.id}) what "
                    f"{second_market} permits ({second.id})",
                )
            )
    return found


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
        imposing = sum(1 for c in cells if c.state in ("required", "prohibited", "permitted"))
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


# ---------------------------------------------------------------- launch checklist


class ChecklistChange(_Model):
    market: str
    date: str
    change: str
    detail: str


class ChecklistItem(_Model):
    id: str
    enforcement: str = ""  # who enforces the instrument, and its penalty ceilings
    title: str
    category: str
    modality: str
    citation: CitationOut
    markets: list[str]
    ages: dict[str, str]  # market -> ages in words
    deadline: DeadlineOut | None
    source: str
    changes: list[ChecklistChange] = []


class WatchItem(_Model):
    id: str
    title: str
    category: str
    market: str
    citation: CitationOut
    why: str


class Checklist(_Model):
    version: str
    launch_date: str
    markets: list[str]
    items: list[ChecklistItem]
    coming: list[ChecklistItem]  # duties that start within the year after launch
    watch: list[WatchItem]  # suspended duties and open questions
    categories: list[str]
    sort: Literal["category", "exposure"] = "category"

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


class _Enforcement:
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


def checklist(
    rulebase: RuleBase,
    service: ServiceLike,
    markets: Sequence[str],
    launch_date: dt.date | str,
    ages: tuple[int, int] | str | None = None,
    sort: Literal["category", "exposure"] = "category",
) -> Checklist:
    """One item per duty to meet by launch, with what changes in the next 12 months.

    ``sort="exposure"`` puts the items whose law carries the highest penalty ceilings first
    (see ``determination.enforcement.exposure_key``); the default groups them by category."""
    markets = _check_markets(rulebase, markets)
    day = _date(launch_date)
    low, high = parse_ages(ages) if not isinstance(ages, tuple) else ages
    bands = age_bands(thresholds(rulebase, markets, day), low, high)
    enforcement = _Enforcement(rulebase)
    items: dict[str, _Record] = {}
    coming: dict[str, _Record] = {}
    watch: dict[tuple[str, str], WatchItem] = {}
    for market in markets:
        answers = [
            (band, rulebase.determine(service, {"age": band.low, "location": market}, day))
            for band in bands
        ]
        applying: dict[str, list[AgeBand]] = defaultdict(list)
        starting: dict[str, list[AgeBand]] = defaultdict(list)
        for band, answer in answers:
            for duty in answer.duties:
                applying[duty.id].append(band)
                items.setdefault(duty.id, _Record(duty))
            for entry in answer.upcoming:
                record = items.get(entry.id) if entry.id in applying else None
                if record is None:
                    starting[entry.id].append(band)
                    record = coming.setdefault(entry.id, _Record(entry))
                record.add_changes(market, entry.changes)
            _watch(watch, market, answer)
        for duty_id, found in applying.items():
            items[duty_id].markets[market] = ages_in_words(found, bands, items[duty_id].duty.scope)
        for duty_id, found in starting.items():
            if duty_id not in applying:
                scope = coming[duty_id].duty.scope
                coming[duty_id].markets[market] = ages_in_words(found, bands, scope)
    return Checklist(
        version=rulebase.version,
        launch_date=day.isoformat(),
        markets=markets,
        items=_items(items, enforcement, sort),
        coming=_items({k: v for k, v in coming.items() if k not in items}, enforcement, sort),
        watch=sorted(watch.values(), key=lambda w: (w.category, w.id, w.market)),
        categories=sorted(rulebase.compiled.library.categories),
        sort=sort,
    )


class _Record:
    def __init__(self, duty: DutyOut) -> None:
        self.duty = duty
        self.markets: dict[str, str] = {}
        self.changes: dict[tuple[str, str, str], ChecklistChange] = {}

    def add_changes(self, market: str, changes: Iterable[Any]) -> None:
        for change in changes:
            key = (market, change.date, change.detail)
            self.changes[key] = ChecklistChange(
                market=market, date=change.date, change=change.change, detail=change.detail
            )


def _watch(watch: dict[tuple[str, str], WatchItem], market: str, answer: Determination) -> None:
    for entry in answer.suspended:
        watch.setdefault(
            (entry.id, market),
            WatchItem(
                id=entry.id,
                title=entry.title,
                category=entry.category,
                market=market,
                citation=entry.citation,
                why=entry.why.detail,
            ),
        )
    for conditional in answer.conditional:
        watch.setdefault(
            (conditional.id, market),
            WatchItem(
                id=conditional.id,
                title=conditional.title,
                category=conditional.category,
                market=market,
                citation=conditional.citation,
                why="open question: depends on " + ", ".join(conditional.depends_on),
            ),
        )


def _items(
    records: dict[str, _Record], enforcement: _Enforcement, sort: str
) -> list[ChecklistItem]:
    result = []
    for duty_id, record in records.items():
        duty = record.duty
        markets = sorted(record.markets)
        result.append(
            ChecklistItem(
                id=duty_id,
                enforcement=enforcement.line(duty.citation.instrument),
                title=duty.title,
                category=duty.category,
                modality=duty.modality,
                citation=duty.citation,
                markets=markets,
                ages={mk: record.markets[mk] for mk in markets},
                deadline=duty.deadline,
                source=duty.source,
                changes=sorted(record.changes.values(), key=lambda c: (c.date, c.market)),
            )
        )
    if sort == "exposure":
        return sorted(
            result,
            key=lambda i: (exposure_key(enforcement.of(i.citation.instrument)), i.category, i.id),
        )
    return sorted(result, key=lambda i: (i.category, i.id))


def group_by_category(items: Iterable[ChecklistItem]) -> dict[str, list[ChecklistItem]]:
    grouped: dict[str, list[ChecklistItem]] = defaultdict(list)
    for item in items:
        grouped[item.category].append(item)
    return dict(sorted(grouped.items()))
