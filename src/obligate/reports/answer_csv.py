"""An answer as CSV: one row per duty in each section (applies, conditional, suspended,
upcoming), for a spreadsheet. The web page's CSV export has the same columns."""

from __future__ import annotations

import csv
import io

from obligate.determination.answer import (
    ConditionalOut,
    Determination,
    DutyOut,
    SuspendedOut,
    UpcomingOut,
)

COLUMNS = (
    "section",
    "id",
    "title",
    "modality",
    "category",
    "jurisdiction",
    "citation",
    "url",
    "status",
    "effective",
    "until",
    "deadline",
    "depends_on",
    "detail",
    "source",
)


def answer_csv(answer: Determination) -> str:
    """The answer's duties as CSV text (RFC 4180, CRLF line ends), a header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    sections: tuple[tuple[str, list[DutyOut]], ...] = (
        ("applies", list(answer.duties)),
        ("conditional", list(answer.conditional)),
        ("suspended", list(answer.suspended)),
        ("upcoming", list(answer.upcoming)),
    )
    for section, duties in sections:
        for duty in duties:
            writer.writerow(_row(section, duty))
    return buffer.getvalue()


def _row(section: str, duty: DutyOut) -> list[str]:
    status, detail, depends_on = duty.status, "", ""
    if isinstance(duty, SuspendedOut):
        status, detail = duty.why.status, duty.why.detail
    elif isinstance(duty, ConditionalOut):
        depends_on = "; ".join(duty.depends_on)
    elif isinstance(duty, UpcomingOut):
        detail = "; ".join(f"{c.date}: {c.detail}" for c in duty.changes)
    return [
        section,
        duty.id,
        duty.title,
        duty.modality,
        duty.category,
        duty.jurisdiction,
        f"{duty.citation.instrument} {duty.citation.provision}",
        duty.citation.url or "",
        status,
        duty.effective or "",
        duty.until or "",
        duty.deadline.text if duty.deadline else "",
        depends_on,
        detail,
        duty.source,
    ]
