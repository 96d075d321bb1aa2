"""A duty's standing in words: its status on the date, the latest court event (case and date)
and for whom an injunction holds, so that no human output shows an enjoined law, or one
whose injunction was stayed last month, as a plain binding duty."""

from __future__ import annotations

import datetime as dt

from obligate.determination import answer as out
from obligate.graph.timeline import Reading, Timeline, protects
from obligate.language import model as m


def court_event_out(event: m.CourtEvent) -> out.CourtEventOut:
    return out.CourtEventOut(
        date=event.date.isoformat(),
        event=event.event.value,
        case=event.case,
        protecting=list(event.protecting),
    )


def history(timeline: Timeline) -> list[out.CourtEventOut]:
    """The whole court history of a duty and its instrument, oldest first."""
    return [court_event_out(e) for e in timeline.events]


def standing_out(
    timeline: Timeline,
    reading: Reading,
    date: dt.date,
    associations: tuple[str, ...] | None,
) -> out.StandingOut:
    """The standing on ``date`` of a duty read as ``reading``, for a service that belongs to
    ``associations`` (None: it did not say)."""
    past = [e for e in timeline.events if e.date <= date]
    latest = court_event_out(past[-1]) if past else None
    injunction = reading.injunction
    binds: bool | None = True
    protecting: list[str] = []
    if injunction is not None and reading.status in ("enjoined", "struck_down"):
        protecting = list(injunction.protecting)
        shielded = protects(injunction, associations)
        binds = None if shielded is None else not shielded
    elif reading.status in ("pending", "repealed", "not_yet", "ended"):
        binds = False
    return out.StandingOut(
        status=reading.status,
        text=_text(reading, latest, binds),
        latest=latest,
        protecting=protecting,
        binds_this_service=binds,
    )


def _text(reading: Reading, latest: out.CourtEventOut | None, binds: bool | None) -> str:
    status = reading.status
    injunction = reading.injunction
    if injunction is not None and status in ("enjoined", "struck_down"):
        verb = "struck down" if injunction.final else "enjoined"
        head = f"{verb} in {injunction.case} since {injunction.since}"
        if not injunction.protecting:
            return head + " (for everyone)"
        whom = ", ".join(injunction.protecting)
        tail = {
            True: "binds this service, which is not among them",
            False: "this service is among them",
            None: "whether it binds this service turns on its associations",
        }[binds]
        return f"{head}, only as to {whom}: {tail}"
    head = {
        "in_force": "in force",
        "pending": "pending: not yet binding",
        "repealed": f"repealed since {reading.since}",
        "not_yet": f"not yet in effect (from {reading.since})",
        "ended": f"ended on {reading.since}",
    }.get(status, status)
    if latest is None:
        return head
    whom = f" as to {', '.join(latest.protecting)}" if latest.protecting else ""
    return f"{head}; latest court event: {latest.event} in {latest.case} on {latest.date}{whom}"
