"""The review dates of the law, for people: which readings are due, as text or Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from obligate.determination.freshness import ReviewOut


def _when(review: ReviewOut) -> str:
    if review.reviewed is None:
        return "never reviewed"
    return f"reviewed {review.reviewed} ({review.age_days} days ago)"


def _source(review: ReviewOut) -> str:
    if review.source is None:
        return "no source recorded"
    dated = f", dated {review.source_date}" if review.source_date else ", undated"
    return f"{review.source}{dated}"


def stale_text(due: Sequence[ReviewOut], older_than_days: int, today: str) -> str:
    """One paragraph per reading that is due: what, when, against what, where to edit."""
    if not due:
        return f"Every instrument and court history was reviewed in the {older_than_days} days "\
            f"before {today}.\n"
    lines = [
        f"{len(due)} readings of the law are older than {older_than_days} days on {today}, "
        "or were never made:",
        "",
    ]
    for review in due:
        lines.append(f"{review.instrument} ({review.subject}): {_when(review)}")
        lines.append(f"  {review.title}")
        lines.append(f"  source: {_source(review)}")
        lines.append(f"  edit: {review.where}")
    return "\n".join(lines) + "\n"


def stale_markdown(due: Sequence[ReviewOut], older_than_days: int, today: str) -> str:
    header = [
        f"# Readings due for review ({older_than_days} days, on {today})",
        "",
        "| instrument | what | last reviewed | source | source dated | file |",
        "|---|---|---|---|---|---|",
    ]
    rows = [
        f"| `{r.instrument}` | {r.subject} | {r.reviewed or 'never'} | "
        f"{_cell(r.source or '-')} | {r.source_date or '-'} | `{r.where}` |"
        for r in due
    ]
    return "\n".join(header + rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
