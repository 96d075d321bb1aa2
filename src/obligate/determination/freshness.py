"""How fresh the reading of the law is: when each instrument and court history was last
reviewed against a source, and which are due for another look.

Law moves (a consent age changes, an injunction is stayed on appeal), so a rule library is only
as good as its last reading. ``reviews`` lists every instrument and every court history with
its `reviewed:` data; ``stale`` keeps those older than a threshold on a given day, or never
reviewed at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from obligate.language import model as m

ReviewSubject = Literal["instrument", "court history"]


class ReviewOut(BaseModel):
    """One reading of the law: what was read, when, against what, and how old it is."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    subject: ReviewSubject
    title: str
    jurisdiction: str | None
    reviewed: str | None
    source: str | None
    source_date: str | None
    age_days: int | None
    where: str


def reviews(instruments: Iterable[m.Instrument], today: dt.date) -> list[ReviewOut]:
    """Every instrument, and every instrument's court history, with its review (or none)."""
    found: list[ReviewOut] = []
    for instrument in sorted(instruments, key=lambda i: i.id):
        found.append(_review(instrument, "instrument", instrument.reviewed, today))
        if instrument.court:
            found.append(_review(instrument, "court history", instrument.court_reviewed, today))
    return found


def stale(
    instruments: Iterable[m.Instrument], today: dt.date, older_than_days: int
) -> list[ReviewOut]:
    """The readings older than ``older_than_days`` on ``today``, and those never made; the
    oldest first, never-reviewed before all."""
    due = [
        review
        for review in reviews(instruments, today)
        if review.age_days is None or review.age_days > older_than_days
    ]
    return sorted(due, key=lambda r: (r.age_days is not None, -(r.age_days or 0), r.instrument))


def _review(
    instrument: m.Instrument, subject: ReviewSubject, review: m.Review | None, today: dt.date
) -> ReviewOut:
    span = review.span if review is not None else instrument.span
    return ReviewOut(
        instrument=instrument.id,
        subject=subject,
        title=instrument.title,
        jurisdiction=instrument.jurisdiction,
        reviewed=review.on.isoformat() if review else None,
        source=review.source if review else None,
        source_date=review.source_date.isoformat() if review and review.source_date else None,
        age_days=(today - review.on).days if review else None,
        where=f"{span.file}:{span.line}",
    )
