"""The launch checklist: one item per duty a service must meet by launch in its markets, the
duties that start within the year after, and what to watch (suspended duties, open questions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from obligate.determination.answer import CitationOut, DeadlineOut, Determination, DutyOut
from obligate.determination.enforcement import exposure_key
from obligate.determination.rulebase import RuleBase, ServiceLike
from obligate.harmonise.cells import CELL_STATES, Cell
from obligate.harmonise.compare import Comparison, compare, open_why, standing_text
from obligate.harmonise.markets import (
    AgeBand,
    Enforcement,
    FrozenModel,
    ages_in_words,
    as_date,
    bands_for,
    check_markets,
)

HORIZON_DAYS = 365  # "coming": duties that start within the year after launch


class ChecklistChange(FrozenModel):
    market: str
    date: str
    change: str
    detail: str


class ChecklistItem(FrozenModel):
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
    standing: str = ""  # status, latest court event and for whom, in words


class WatchItem(FrozenModel):
    id: str
    title: str
    category: str
    market: str
    citation: CitationOut
    why: str


class ChecklistGap(FrozenModel):
    """A category the checklist holds nothing for in some markets, and why: the law there
    is encoded but does not apply to this service, a reviewer found no such duty, the answer
    turns on an open question, or the library has not encoded it."""

    category: str
    state: str  # a compare cell state other than "applies"
    markets: list[str]
    details: list[str] = []  # for "not applicable": each duty with why, per market


class Checklist(FrozenModel):
    version: str
    launch_date: str
    markets: list[str]
    items: list[ChecklistItem]
    coming: list[ChecklistItem]  # duties that start within the year after launch
    watch: list[WatchItem]  # suspended duties and open questions
    categories: list[str]
    sort: Literal["category", "exposure"] = "category"
    gaps: list[ChecklistGap] = []  # what the checklist cannot cover, market by market

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


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
    markets = check_markets(rulebase, markets)
    day = as_date(launch_date)
    bands = bands_for(rulebase, markets, day, ages, until=day + dt.timedelta(days=HORIZON_DAYS))
    enforcement = Enforcement(rulebase)
    items: dict[str, _Record] = {}
    coming: dict[str, _Record] = {}
    watch: dict[tuple[str, str], WatchItem] = {}
    for market in markets:
        answers = [
            (band, rulebase.determine(service, {"age": band.low, "location": market}, day))
            for band in bands
        ]
        _collect(market, answers, bands, items, coming)
        _ages_when_starting(rulebase, service, market, bands, coming)
        for _band, answer in answers:
            _watch(watch, market, answer)
    return Checklist(
        version=rulebase.version,
        launch_date=day.isoformat(),
        markets=markets,
        items=_items(items, enforcement, sort),
        coming=_items({k: v for k, v in coming.items() if k not in items}, enforcement, sort),
        watch=sorted(watch.values(), key=lambda w: (w.category, w.id, w.market)),
        categories=sorted(rulebase.compiled.library.categories),
        sort=sort,
        gaps=gaps(compare(rulebase, service, markets, day, (bands[0].low, bands[-1].high))),
    )


def gaps(comparison: Comparison) -> list[ChecklistGap]:
    """Each category's markets in a state other than "applies", grouped by state."""
    found: list[ChecklistGap] = []
    for category in comparison.categories:
        by_state: dict[str, list[Cell]] = defaultdict(list)
        for market in comparison.markets:
            cell = comparison.cell(category, market)
            if cell.state != "applies":
                by_state[cell.state].append(cell)
        for state in CELL_STATES:
            cells = by_state.get(state)
            if not cells:
                continue
            details = [
                f"{aside.id} [{cell.market}]: {aside.why}"
                for cell in cells
                for aside in (
                    cell.open
                    if state == "conditional"
                    else (*cell.suspended_why, *cell.not_applicable)
                )
            ]
            found.append(
                ChecklistGap(
                    category=category,
                    state=state,
                    markets=[cell.market for cell in cells],
                    details=details,
                )
            )
    return found


class _Record:
    """One duty on the checklist as the markets are read: its ages per market, its changes."""

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


def _collect(
    market: str,
    answers: list[tuple[AgeBand, Determination]],
    bands: list[AgeBand],
    items: dict[str, _Record],
    coming: dict[str, _Record],
) -> None:
    """Add one market's answers: the duties binding at launch, and those starting later."""
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
    for duty_id, found in applying.items():
        items[duty_id].markets[market] = ages_in_words(found, bands, items[duty_id].duty.scope)
    for duty_id, found in starting.items():
        if duty_id not in applying:
            scope = coming[duty_id].duty.scope
            coming[duty_id].markets[market] = ages_in_words(found, bands, scope)


def _ages_when_starting(
    rulebase: RuleBase,
    service: ServiceLike,
    market: str,
    bands: list[AgeBand],
    coming: dict[str, _Record],
) -> None:
    """Read the ages of a duty that starts after launch on the day it starts: before then,
    the parameters it compares with may not be set yet (Australia's minimum age of 16 is in
    force only from 2025-12-10), and an age read at launch would be wrong."""
    answers: dict[str, list[tuple[AgeBand, Determination]]] = {}
    for duty_id, record in coming.items():
        starts = sorted(
            c.date for c in record.changes.values() if c.market == market and c.change == "starts"
        )
        if market not in record.markets or not starts:
            continue
        if starts[0] not in answers:
            answers[starts[0]] = [
                (
                    band,
                    rulebase.determine(service, {"age": band.low, "location": market}, starts[0]),
                )
                for band in bands
            ]
        found = [
            band
            for band, answer in answers[starts[0]]
            if duty_id in {d.id for d in (*answer.duties, *answer.conditional, *answer.suspended)}
        ]
        if found:
            record.markets[market] = ages_in_words(found, bands, record.duty.scope)


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
                why=standing_text(entry) or entry.why.detail,
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
                why=open_why(conditional),
            ),
        )


def _items(records: dict[str, _Record], enforcement: Enforcement, sort: str) -> list[ChecklistItem]:
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
                standing=standing_text(duty),
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
