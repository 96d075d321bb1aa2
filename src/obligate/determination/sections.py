"""The sections of an answer on one date: which candidates apply, which are conditional,
suspended or upcoming, which a more specific duty displaces, and which conflict."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from obligate.determination import answer as out
from obligate.determination.catalogue import DutyInfo
from obligate.determination.classes import Candidate, Class, may_hold, open_facts
from obligate.determination.making import make
from obligate.determination.period import changes_within, standing, suspension
from obligate.determination.place import Place
from obligate.graph.timeline import Reading

if TYPE_CHECKING:
    from obligate.determination.entries import Entry


# What batch asks of a class on a date: applied ids, their categories, conditional ids,
# suspended ids.
Summary = tuple[list[str], list[str], list[str], list[str]]


@dataclass
class Sections:
    applied: list[tuple[Candidate, Reading]] = field(default_factory=list)
    conditional: list[tuple[Candidate, Reading, list[str]]] = field(default_factory=list)
    suspended: list[tuple[Candidate, Reading, out.SuspensionOut]] = field(default_factory=list)
    upcoming: list[tuple[Candidate, Reading]] = field(default_factory=list)


def sections(place: Place, klass: Class, date: dt.date, horizon_end: dt.date | None) -> Sections:
    """Sort a class's candidates into the sections of the answer on one date (``upcoming``
    only when there is a horizon)."""
    found = Sections()
    associations = place.service.get("associations")
    for candidate in klass.candidates:
        info = candidate.info
        reading = info.timeline.reading(date)
        state = standing(reading, associations)
        changing = horizon_end is not None and changes_within(info.changes_on, date, horizon_end)
        if state == "closed" and not changing:
            continue  # in no section, whatever its condition: left unexplained
        if changing and may_hold(candidate):
            found.upcoming.append((candidate, reading))
        facts_open = open_facts(candidate)
        if facts_open is None:
            continue
        if state == "closed":
            continue
        if state == "unknown":
            deps = sorted({*facts_open, "service.associations"})
            found.conditional.append((candidate, reading, deps))
            continue
        if state == "suspended":
            found.suspended.append((candidate, reading, suspension(reading)))
            continue
        if facts_open:
            found.conditional.append((candidate, reading, facts_open))
        else:
            found.applied.append((candidate, reading))
    return found


def displacement(applied: list[DutyInfo]) -> dict[str, str]:
    """Each applied duty that a more specific applied duty overrides, and by which."""
    ids = {info.duty.id for info in applied}
    displaced_by: dict[str, str] = {}
    for info in applied:
        for target, _span in info.duty.overrides:
            if target in ids:
                displaced_by.setdefault(target, info.duty.id)
    return displaced_by


def changes(candidate: Candidate, start: dt.date, end: dt.date) -> list[out.ChangeOut]:
    return [
        make(out.ChangeOut, {"date": d.isoformat(), "change": kind, "detail": text})
        for d, kind, text in candidate.info.timeline.changes(start, end)
    ]


def conflicts(duties: Iterable[Entry]) -> list[out.ConflictOut]:
    """A permission and a prohibition of the same category that both apply."""
    by_category: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for duty in duties:
        by_category[duty.fields["category"]][duty.fields["modality"]].append(duty.fields["id"])
    found = []
    for category, modalities in sorted(by_category.items()):
        if modalities.get("permission") and modalities.get("prohibition"):
            ids = sorted(modalities["permission"] + modalities["prohibition"])
            found.append(
                out.ConflictOut(
                    category=category, duties=ids, detail="one law permits what another prohibits"
                )
            )
    return found


def sorted_entries(entries: list[Entry], order: dict[str, int]) -> tuple[Entry, ...]:
    def key(entry: Entry) -> tuple[int, str, str, str]:
        fields = entry.fields
        jurisdiction = fields["jurisdiction"]
        return (order.get(jurisdiction, len(order)), jurisdiction, fields["category"], fields["id"])

    return tuple(sorted(entries, key=key))


def order_key(
    jurisdiction: str, info: DutyInfo, order: dict[str, int]
) -> tuple[int, str, str, str]:
    """Where a duty goes in its section: the same order as ``sorted_entries``."""
    category = info.duty.category or ""
    return (order.get(jurisdiction, len(order)), jurisdiction, category, info.duty.id)


def summarise(place: Place, klass: Class, date: dt.date) -> Summary:
    """The ids in each section on a date, in the answer's order, and the categories of the
    duties that apply: what ``Views.build`` would list, without building any entry."""
    found = sections(place, klass, date, None)
    displaced = displacement([c.info for c, _r in found.applied])

    def ids(candidates: Iterable[Candidate]) -> list[str]:
        def key(candidate: Candidate) -> tuple[int, str, str, str]:
            hook = candidate.hook or candidate.info.hooks[0]
            return order_key(hook.jurisdiction, candidate.info, place.order)

        return [c.info.duty.id for c in sorted(candidates, key=key)]

    applied = [c for c, _r in found.applied if c.info.duty.id not in displaced]
    return (
        ids(applied),
        sorted({c.info.duty.category or "" for c in applied}),
        ids(c for c, _r, _d in found.conditional),
        ids(c for c, _r, _w in found.suspended),
    )
