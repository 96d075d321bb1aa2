"""Dates: every duty has an effective date (or is pending), nothing ends before it starts,
and court events fall within the law's life."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics, Span
from obligate.language.resolve import Library


@dataclass(frozen=True)
class Validity:
    effective: dt.date | None
    until: dt.date | None


def validity(library: Library, duty: m.Duty) -> Validity:
    instrument = library.instruments.get(duty.cites.instrument) if duty.cites else None
    effective = duty.effective or (instrument.effective if instrument else None)
    until = duty.until or (instrument.until if instrument else None)
    return Validity(effective, until)


def dates(library: Library, diagnostics: Diagnostics) -> None:
    for instrument in library.instruments.values():
        window(instrument.effective, instrument.until, instrument.span, diagnostics)
        for review in (instrument.reviewed, instrument.court_reviewed):
            _review_in_order(review, diagnostics)
        _court_within(
            instrument.status,
            instrument.court,
            Validity(instrument.effective, instrument.until),
            diagnostics,
        )
    for duty in library.duties.values():
        duty_window = validity(library, duty)
        cited = library.instruments.get(duty.cites.instrument) if duty.cites else None
        status = duty.status or (cited.status if cited else None)
        pending = status is not None and status.kind is m.StatusKind.PENDING
        if duty_window.effective is None and not pending:
            diagnostics.error(
                "E114",
                f"{duty.modality} `{duty.id}` has no effective date",
                duty.span,
                "add `effective:` to the duty or its instrument, or `status: pending`",
            )
        window(duty_window.effective, duty_window.until, duty.span, diagnostics)
        _court_within(duty.status, duty.court, duty_window, diagnostics)
        _review_in_order(duty.court_reviewed, diagnostics)


def _review_in_order(review: m.Review | None, diagnostics: Diagnostics) -> None:
    """A source is read after it is dated, and a reading is not in the future."""
    if review is None:
        return
    if review.source_date is not None and review.source_date > review.on:
        diagnostics.error(
            "E117",
            f"the source is dated {review.source_date}, after the review on {review.on}",
            review.span,
            "`reviewed:` is the day you read the source; `dated` is the source's own date",
        )
    if review.on > dt.date.today():
        diagnostics.error(
            "E117",
            f"the review date {review.on} is in the future",
            review.span,
            "write the day the source was read",
        )


def window(
    effective: dt.date | None, until: dt.date | None, span: Span, diagnostics: Diagnostics
) -> None:
    """Something that ends must end after it takes effect."""
    if effective and until and until <= effective:
        diagnostics.error(
            "E401",
            f"ends ({until}) on or before it takes effect ({effective})",
            span,
            "`until:` is the first day the law no longer applies",
        )


def _court_within(
    status: m.Status | None,
    court: Iterable[m.CourtEvent],
    window: Validity,
    diagnostics: Diagnostics,
) -> None:
    dated: list[tuple[dt.date, Span, str]] = [
        (e.date, e.span, f"court event `{e.event}`") for e in court
    ]
    if status is not None and status.kind is m.StatusKind.ENJOINED and status.since:
        dated.append((status.since, status.span, "enjoined since"))
    for date, span, what in dated:
        if window.until and date >= window.until:
            diagnostics.error(
                "E402",
                f"{what} {date} falls after the law ends ({window.until})",
                span,
                "check the date against `until:`",
            )
        elif window.effective and date < window.effective - dt.timedelta(days=366):
            diagnostics.error(
                "E402",
                f"{what} {date} falls more than a year before the law "
                f"takes effect ({window.effective})",
                span,
                "pre-enforcement injunctions come shortly before the effective date",
            )
