"""The period step: what holds for a place between two changes of its parameters, and how
dates are read: the dates a duty's standing changes on, the age bands, the horizon, and the
standing a legal-status reading gives a duty on one date."""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from obligate.determination import answer as out
from obligate.determination.caches import Memory, Nested
from obligate.determination.making import make
from obligate.engine.rules import Engine, safe
from obligate.graph.jurisdictions import JurisdictionGraph, ParameterSetting
from obligate.graph.timeline import Reading, Timeline, protects
from obligate.language import model as m
from obligate.language.resolve import Library

if TYPE_CHECKING:
    from obligate.determination.place import FlagAttributes, Place

Band = tuple[int, bool] | None


@dataclass
class Period:
    """A place between two parameter changes."""

    parameters: dict[str, ParameterSetting]
    parameters_out: dict[str, out.ParameterOut]
    flat: dict[str, Any]
    thresholds: tuple[float, ...]  # every value the rules compare the user's age with
    open_duties: dict[bool, frozenset[str]] = field(default_factory=dict)
    classes: Nested = field(default_factory=dict)  # Band -> Class


class Periods:
    """Builds and remembers the periods of a place."""

    def __init__(
        self, graph: JurisdictionGraph, flags: FlagAttributes, engine: Engine, memory: Memory
    ) -> None:
        self.graph = graph
        self.flags = flags
        self.age_constants = engine._age_constants
        self.age_partners = engine._age_partners
        self.memory = memory
        # (location, parameter slot) -> the parameters in force there, as the answer shows
        # them and as engine attributes: the same for every service at the location.
        self.settings: dict[tuple[str, int], Settings] = {}

    def forget(self) -> None:
        self.settings = {}

    def period(self, place: Place, date: dt.date) -> Period:
        slot = bisect_right(place.parameter_dates, date)
        found: Period | None = self.memory.find(place.periods, slot)
        if found is None:
            found = self.new_period(place, date)
            self.memory.keep(place.periods, slot, found)
        return found

    def new_period(self, place: Place, date: dt.date) -> Period:
        key = (place.location, bisect_right(place.parameter_dates, date))
        settings = self.settings.get(key)
        if settings is None:
            parameters = self.graph.parameters(place.location, date)
            settings = Settings(
                parameters,
                {n: parameter_out(s) for n, s in parameters.items()},
                flat_parameters(self.flags, parameters),
            )
            self.settings[key] = settings
        flat = {**place.flat, **settings.flat}
        thresholds = self.age_constants
        if self.age_partners:
            partners = {flat[a] for a in self.age_partners if flat.get(a) is not None}
            thresholds = tuple(sorted(partners.union(thresholds)))
        return Period(
            parameters=settings.parameters,
            parameters_out=settings.parameters_out,
            flat=flat,
            thresholds=thresholds,
        )


@dataclass(frozen=True)
class Settings:
    """The parameters in force at a location between two of their changes."""

    parameters: dict[str, ParameterSetting]
    parameters_out: dict[str, out.ParameterOut]
    flat: dict[str, Any]


def flat_parameters(
    flags: FlagAttributes, parameters: Mapping[str, ParameterSetting]
) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, setting in parameters.items():
        flags.put(flat, f"p_{safe(name)}", setting.value)
    return flat


def band(thresholds: tuple[float, ...], age: int | None) -> Band:
    """How an age compares with every threshold: ages in one band answer alike."""
    if age is None:
        return None
    below = bisect_left(thresholds, age)
    return below, below < len(thresholds) and thresholds[below] == age


def term_dates(library: Library) -> set[dt.date]:
    """Every date on which a definition can enter or leave a duty's ``terms``: the terms'
    own dates and those of the instruments that define them."""
    found: set[dt.date] = set()
    for term in library.term_definitions:
        found.update(d for d in (term.effective, term.until) if d is not None)
        instrument = library.instruments.get(term.cites.instrument) if term.cites else None
        if instrument is not None:
            found.update(d for d in (instrument.effective, instrument.until) if d is not None)
            found.update(event.date for event in instrument.court)
            if instrument.status is not None and instrument.status.since is not None:
                found.add(instrument.status.since)
    return found


def timeline_dates(timeline: Timeline) -> set[dt.date]:
    """Every date on which a duty's standing can change (``Timeline.reading`` and
    ``Timeline.changes`` compare the query's date, and its horizon, with these only)."""
    found = {event.date for event in timeline.events}
    found.update(d for d in (timeline.effective, timeline.until) if d is not None)
    if timeline.base is not None and timeline.base.since is not None:
        found.add(timeline.base.since)
    return found


def change_dates(timeline: Timeline) -> tuple[dt.date, ...]:
    """The dates ``Timeline.changes`` can report, sorted: a duty changes within a horizon
    when one of them falls in it (``changes_within``)."""
    found = {event.date for event in timeline.events}
    found.update(d for d in (timeline.effective, timeline.until) if d is not None)
    base = timeline.base
    if base is not None and base.kind is m.StatusKind.REPEALED and base.since is not None:
        found.add(base.since)
    return tuple(sorted(found))


def changes_within(dates: tuple[dt.date, ...], start: dt.date, end: dt.date) -> bool:
    """Whether one of ``dates`` (sorted) falls in ``(start, end]``."""
    after = bisect_right(dates, start)
    return after < len(dates) and dates[after] <= end


@functools.lru_cache(maxsize=64)
def _days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)


def horizon_end(date: dt.date, horizon_days: int) -> dt.date:
    try:
        return date + _days(horizon_days)
    except OverflowError:
        return dt.date.max


def standing(reading: Reading, associations: tuple[str, ...] | None) -> str:
    """Whether a duty whose condition holds binds on the reading's date: ``binding``,
    ``suspended`` (enjoined as to this service, pending or repealed), ``unknown`` (enjoined
    as to named associations, and the query does not say which the service belongs to) or
    ``closed`` (not yet in effect, or ended)."""
    if not reading.window_open:
        return "closed"
    if reading.status in ("enjoined", "struck_down") and reading.injunction:
        shielded = protects(reading.injunction, associations)
        if shielded is None:
            return "unknown"
        return "suspended" if shielded else "binding"
    if reading.status in ("pending", "repealed"):
        return "suspended"
    return "binding"


def suspension(reading: Reading) -> out.SuspensionOut:
    injunction = reading.injunction
    if injunction is not None:
        whom = (" as to " + ", ".join(injunction.protecting)) if injunction.protecting else ""
        verb = "struck down" if injunction.final else "enjoined"
        return out.SuspensionOut(
            status=reading.status,
            case=injunction.case,
            since=injunction.since.isoformat(),
            protecting=list(injunction.protecting),
            detail=f"{verb} in {injunction.case} since {injunction.since}{whom}",
        )
    if reading.status == "repealed":
        return out.SuspensionOut(
            status="repealed", since=iso(reading.since), detail=f"repealed since {reading.since}"
        )
    return out.SuspensionOut(status="pending", detail="the law is not yet binding (pending)")


def parameter_out(setting: ParameterSetting) -> out.ParameterOut:
    value: float | int = (
        int(setting.value) if setting.value == int(setting.value) else setting.value
    )
    return make(out.ParameterOut, {"value": value, "from_": setting.origin})


def iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None
