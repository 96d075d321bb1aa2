"""`obligate stale`: which readings of the law are due for review."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated

import typer

from obligate.determination.query import QueryError
from obligate.interfaces.cli.app import RulesOption, fail, load_rules
from obligate.interfaces.cli.choices import StaleFormat

_PERIOD = re.compile(r"^(\d+)\s*([dw]?)$")


def stale(
    rules: RulesOption = [Path("rules")],  # noqa: B006 - typer reads the default
    older_than: Annotated[
        str, typer.Option("--older-than", help="age of a review that is due: 90d, 12w or 90")
    ] = "90d",
    today: Annotated[
        str | None, typer.Option("--today", help="YYYY-MM-DD to read the ages on (default: today)")
    ] = None,
    output: Annotated[
        StaleFormat, typer.Option("--format", help="how to list the readings")
    ] = StaleFormat.text,
    strict: Annotated[
        bool, typer.Option("--fail", help="exit 1 when any reading is due (for CI)")
    ] = False,
) -> None:
    """List instruments and court histories whose `reviewed:` date is older than a threshold,
    or missing: the law they encode may have moved since."""
    from obligate.reports import freshness

    days = _days(older_than)
    rulebase = load_rules(rules)
    try:
        due = rulebase.stale(days, today)
    except QueryError as error:
        raise fail(str(error), 2) from None
    day = today or dt.date.today().isoformat()
    if output == "json":
        payload = {"older_than_days": days, "today": day, "due": [r.model_dump() for r in due]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif output == "md":
        typer.echo(freshness.stale_markdown(due, days, day), nl=False)
    else:
        typer.echo(freshness.stale_text(due, days, day), nl=False)
    if strict and due:
        raise typer.Exit(1)


def _days(text: str) -> int:
    match = _PERIOD.match(text.strip())
    if match is None:
        raise fail(f"--older-than: `{text}` is not a period; write 90d, 12w or 90", 2)
    amount, unit = int(match.group(1)), match.group(2)
    return amount * 7 if unit == "w" else amount
