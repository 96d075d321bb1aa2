"""Time and legal status: whether a duty's law binds on a date, read from its dates, its
status and its court history, and what changes within a horizon."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from obligate.language import model as m


@dataclass(frozen=True)
class Injunction:
    case: str
    since: dt.date
    protecting: tuple[str, ...]
    final: bool = False


@dataclass(frozen=True)
class Reading:
    """The law's standing on one date."""

    status: str  # in_force, pending, repealed, enjoined, struck_down, not_yet, ended
    since: dt.date | None = None
    injunction: Injunction | None = None

    @property
    def window_open(self) -> bool:
        return self.status not in ("not_yet", "ended")


@dataclass(frozen=True)
class Timeline:
    """Everything dated about one duty, with its instrument's defaults applied."""

    effective: dt.date | None
    until: dt.date | None
    base: m.Status | None
    events: tuple[m.CourtEvent, ...]

    @classmethod
    def of(cls, duty: m.Duty, instrument: m.Instrument | None) -> Timeline:
        """A duty's dates and standing, its instrument's where it says nothing itself; its
        own court events are read together with its instrument's."""
        return cls.build(
            effective=duty.effective or (instrument.effective if instrument else None),
            until=duty.until or (instrument.until if instrument else None),
            base=duty.status or (instrument.status if instrument else None),
            court=[*(instrument.court if instrument else ()), *duty.court],
        )

    @classmethod
    def build(
        cls,
        effective: dt.date | None,
        until: dt.date | None,
        base: m.Status | None,
        court: list[m.CourtEvent],
    ) -> Timeline:
        """A timeline whose ``enjoined in ... since`` status is read as one more court event."""
        events = list(court)
        if base is not None and base.kind is m.StatusKind.ENJOINED and base.since and base.case:
            events.append(
                m.CourtEvent(
                    span=base.span,
                    date=base.since,
                    event=m.CourtEventKind.ENJOINED,
                    case=base.case,
                    protecting=base.protecting,
                )
            )
        ordered = tuple(sorted(events, key=lambda e: (e.date, e.span.line)))
        return cls(effective, until, base, ordered)

    def reading(self, date: dt.date) -> Reading:
        if self.effective and date < self.effective:
            return Reading("not_yet", self.effective)
        if self.until and date >= self.until:
            return Reading("ended", self.until)
        base = self.base.kind if self.base else m.StatusKind.IN_FORCE
        if base is m.StatusKind.PENDING:
            return Reading("pending")
        if (
            base is m.StatusKind.REPEALED
            and self.base
            and self.base.since
            and date >= self.base.since
        ):
            return Reading("repealed", self.base.since)
        injunction: Injunction | None = None
        for event in self.events:
            if event.date > date:
                break
            if event.event is m.CourtEventKind.ENJOINED:
                injunction = Injunction(event.case, event.date, event.protecting)
            elif event.event is m.CourtEventKind.STRUCK_DOWN:
                injunction = Injunction(event.case, event.date, event.protecting, final=True)
            else:
                injunction = None
        if injunction is not None:
            return Reading(
                "struck_down" if injunction.final else "enjoined", injunction.since, injunction
            )
        return Reading("in_force", self.effective)

    def changes(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str]]:
        """Dated changes in ``(start, end]``: (date, kind, what happens)."""
        found: list[tuple[dt.date, str, str]] = []
        if self.effective and start < self.effective <= end:
            found.append((self.effective, "starts", f"takes effect on {self.effective}"))
        if self.until and start < self.until <= end:
            found.append((self.until, "ends", f"no longer applies from {self.until}"))
        if (
            self.base
            and self.base.kind is m.StatusKind.REPEALED
            and self.base.since
            and start < self.base.since <= end
        ):
            found.append((self.base.since, "ends", f"repealed from {self.base.since}"))
        for event in self.events:
            if start < event.date <= end:
                found.append((event.date, "status", f"{event.event} in {event.case}"))
        return sorted(found)


def protects(injunction: Injunction, associations: tuple[str, ...] | None) -> bool | None:
    """Whether an injunction shields this service: unknown when it names whom it protects
    and the service did not say which associations it belongs to."""
    if not injunction.protecting:
        return True
    if associations is None:
        return None
    wanted = {p.casefold() for p in injunction.protecting}
    return any(a.casefold() in wanted for a in associations)
