"""Records read back as JSON Lines, one JSON array, or CSV (``obligate log export``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from obligate.interfaces.decision_log.record import DecisionLogError, DecisionRecord

EXPORT_FORMATS = ("jsonl", "json", "csv")
CSV_COLUMNS = (
    "id",
    "time",
    "rulebase_version",
    "location",
    "age",
    "date",
    "duty_ids",
    "query",
    "engine",
    "libraries",
)


def export_text(records: Sequence[DecisionRecord], output_format: str) -> str:
    """Records as JSON Lines, one JSON array, or CSV (duty ids joined by spaces)."""
    if output_format == "jsonl":
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    if output_format == "json":
        return json.dumps([r.to_dict() for r in records], indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for r in records:
            user = r.query.get("user", {})
            writer.writerow(
                [
                    r.id,
                    r.time_text,
                    r.rulebase_version,
                    user.get("location", ""),
                    user.get("age", ""),
                    r.query.get("date", ""),
                    " ".join(r.duty_ids),
                    json.dumps(r.query, sort_keys=True, ensure_ascii=False),
                    r.rulebase.get("engine", ""),
                    "; ".join(_release(lib) for lib in r.rulebase.get("libraries", [])),
                ]
            )
        return buffer.getvalue()
    raise DecisionLogError(
        f"--format: unknown format {output_format!r}; accepted: {', '.join(EXPORT_FORMATS)}"
    )


def _release(library: dict[str, Any]) -> str:
    """A rule folder's release in a few words: "obligate-rules 0.1.0 (law read 2026-11-25)"."""
    words = f"{library.get('name', '')} {library.get('version') or '(no version)'}"
    return words + (f" (law read {library['law_read']})" if library.get("law_read") else "")
