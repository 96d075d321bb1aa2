"""Compare: the categories × markets matrix for one service on one date.

The rule base is asked the same question in every market, once per age band (bands cut at
the age thresholds the law itself uses); each cell says what the market's own law does in
one category: requires, prohibits, permits, turns on an open fact, or says nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from obligate.determination.answer import CitationOut, DeadlineOut, Determination, DutyOut
from obligate.determination.rulebase import RuleBase, ServiceLike
from obligate.harmonise.markets import (
    AgeBand,
    Enforcement,
    FrozenModel,
    ages_in_words,
    as_date,
    bands_for,
    check_categories,
    check_markets,
    duty_places,
    number,
)
from obligate.language import model as m

CellState = Literal[
    "required", "prohibited", "permitted", "conditional", "no duty in this law", "not encoded"
]


class CellDuty(FrozenModel):
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


class CellParameter(FrozenModel):
    name: str
    value: float | int
    origin: str


class Cell(FrozenModel):
    market: str
    category: str
    state: CellState
    duties: list[CellDuty]
    conditional: list[str] = []
    suspended: list[str] = []
    parameters: list[CellParameter] = []
    shortest_deadline_hours: float | None = None
    absence: str | None = None  # the absence block that says "no duty in this law"


class Comparison(FrozenModel):
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


def compare(
    rulebase: RuleBase,
    service: ServiceLike,
    markets: Sequence[str],
    date: dt.date | str,
    ages: tuple[int, int] | str | None = None,
    categories: Sequence[str] | None = None,
) -> Comparison:
    """The categories × markets matrix for one service on one date."""
    markets = check_markets(rulebase, markets)
    day = as_date(date)
    bands = bands_for(rulebase, markets, day, ages)
    categories = check_categories(rulebase, categories)
    cells: dict[str, dict[str, Cell]] = {c: {} for c in categories}
    enforcement = Enforcement(rulebase)
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
    enforcement: Enforcement,
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
        parameters=_parameters(rulebase, market, [d.id for d in duties], day),
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
    duty: DutyOut, found: list[AgeBand], bands: list[AgeBand], enforcement: Enforcement
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


def _absence(rulebase: RuleBase, market: str, category: str, day: dt.date) -> str | None:
    """An absence holds for a market when the market itself, and every place above it whose
    law imposes platform duties in the library, was reviewed for this category (treaties
    that bind only states do not count)."""
    with_duties = {
        place for duty in rulebase.duties.values() for place in duty_places(rulebase, duty)
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


def _parameters(
    rulebase: RuleBase, market: str, duty_ids: list[str], day: dt.date
) -> list[CellParameter]:
    """The parameters the cell's duties compare with, as the market sets them on the day."""
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
        CellParameter(name=n, value=number(settings[n].value), origin=settings[n].origin)
        for n in sorted(names)
        if n in settings
    ]
