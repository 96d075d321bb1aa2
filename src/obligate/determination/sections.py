"""The sections of an answer on one date: which candidates apply, which are conditional,
suspended or upcoming, which a more specific duty displaces, and which conflict."""

from __future__ import annotations

import datetime as dt
import operator
from bisect import bisect_right
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
        reading = info.reading(date)
        changing = horizon_end is not None and changes_within(info.changes_on, date, horizon_end)
        if candidate.fired and reading.status == "in_force" and not changing:
            # Most duties in question: the engine says they hold, and they bind that day.
            found.applied.append((candidate, reading))
            continue
        state = standing(reading, associations)
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
    """Each applied duty that a more specific applied duty overrides, and by which (of
    several, the first by id: the same whatever the order of ``applied``)."""
    overriding = [info for info in applied if info.duty.overrides]
    if not overriding:
        return {}
    ids = {info.duty.id for info in applied}
    displaced_by: dict[str, str] = {}
    for info in overriding:
        for target, _span in info.duty.overrides:
            if target in ids:
                by = displaced_by.get(target)
                if by is None or info.duty.id < by:
                    displaced_by[target] = info.duty.id
    return displaced_by


def changes(candidate: Candidate, start: dt.date, end: dt.date) -> list[out.ChangeOut]:
    """The changes of a duty in ``(start, end]``: the same for every start and every end
    between the same two of the dates it changes on, so remembered per pair of slots."""
    info = candidate.info
    key = (bisect_right(info.changes_on, start), bisect_right(info.changes_on, end))
    found = info.changes_memo.get(key)
    if found is None:
        found = info.changes_memo[key] = [
            make(out.ChangeOut, {"date": d.isoformat(), "change": kind, "detail": text})
            for d, kind, text in info.timeline.changes(start, end)
        ]
    return found


def conflicts(duties: Iterable[Entry]) -> list[out.ConflictOut]:
    """A permission and a prohibition of the same category that both apply."""
    permits: dict[str, list[str]] = {}
    prohibits: dict[str, list[str]] = {}
    for duty in duties:
        fields = duty.fields
        modality = fields["modality"]
        if modality == "permission":
            permits.setdefault(fields["category"], []).append(fields["id"])
        elif modality == "prohibition":
            prohibits.setdefault(fields["category"], []).append(fields["id"])
    return [
        out.ConflictOut(
            category=category,
            duties=sorted(permits[category] + prohibits[category]),
            detail="one law permits what another prohibits",
        )
        for category in sorted(permits.keys() & prohibits.keys())
    ]


def sorted_entries(entries: list[Entry]) -> tuple[Entry, ...]:
    """Entries in the answer's order (each entry's ``order``: see ``order_key``)."""
    return tuple(sorted(entries, key=_ORDER))


_ORDER = operator.attrgetter("order")


def order_key(
    jurisdiction: str, info: DutyInfo, order: dict[str, int]
) -> tuple[int, str, str, str]:
    """Where a duty goes in its section: the place that its law reaches first, then that
    law's code, its category and its id."""
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
