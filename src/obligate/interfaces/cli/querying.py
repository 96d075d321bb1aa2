"""Commands that ask the rule base: which duties apply, why one does, and a whole table of
queries at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from obligate.determination.query import QueryError
from obligate.interfaces.cli.app import (
    AgeOption,
    DateOption,
    LocationOption,
    RulesOption,
    ServiceOption,
    fail,
    load_rules,
    service_facts,
    user_facts,
)
from obligate.reports import answer as report


def query(
    location: LocationOption,
    date: DateOption,
    rules: RulesOption = [Path("rules")],  # noqa: B006 - typer reads the default
    service: ServiceOption = None,
    age: AgeOption = None,
    output: Annotated[str, typer.Option("--format", help="json, table or md")] = "table",
    horizon: Annotated[int, typer.Option("--horizon", help="days ahead for `upcoming`")] = 365,
) -> None:
    """Which duties apply to this service, for this user, in this place, on this date."""
    if output not in ("json", "table", "md"):
        raise fail(f"--format: unknown format {output!r}; accepted: json, table, md", 2)
    rulebase = load_rules(rules)
    try:
        answer = rulebase.determine(
            service_facts(service), user_facts(age, location), date, horizon
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    if output == "json":
        typer.echo(answer.to_json())
    elif output == "md":
        # the reasons in words, as `explain` tells them, for each duty that applies
        facts, user = service_facts(service), user_facts(age, location)
        words = {d.id: rulebase.explain(d.id, facts, user, date).words for d in answer.duties}
        typer.echo(report.markdown(answer, words), nl=False)
    else:
        typer.echo(report.table(answer), nl=False)


def explain(
    duty: Annotated[str, typer.Argument(help="the duty id")],
    location: LocationOption,
    date: DateOption,
    rules: RulesOption = [Path("rules")],  # noqa: B006
    service: ServiceOption = None,
    age: AgeOption = None,
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Why a duty applies to a query, or why it does not."""
    rulebase = load_rules(rules)
    try:
        explanation = rulebase.explain(
            duty, service_facts(service), user_facts(age, location), date
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    if output == "json":
        typer.echo(explanation.to_json())
    else:
        typer.echo(report.explanation_text(explanation), nl=False)


def batch_command(
    source: Annotated[Path, typer.Argument(help="queries (Parquet): one row per query")],
    target: Annotated[Path, typer.Argument(help="where to write the answers (Parquet)")],
    services: Annotated[
        Path, typer.Option("--services", help="service profiles (YAML): profile id -> facts")
    ],
    rules: RulesOption = [Path("rules")],  # noqa: B006
    columns: Annotated[
        str, typer.Option("--columns", help="the query columns: service,age,location,date")
    ] = "service,age,location,date",
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Answer a table of queries: each row gets the ids and categories of the duties that
    apply (and an error where the row cannot be answered)."""
    try:
        import pyarrow.parquet as pq
        from rich.progress import Progress

        from obligate.interfaces import batch as batching
    except ImportError as error:
        message = f"batch needs pandas and pyarrow ({error}); install 'obligate[batch]'"
        raise fail(message, 2) from None
    names = [n.strip() for n in columns.split(",")]
    if len(names) != 4 or not all(names):
        raise fail(f"--columns: expected four names, found {columns!r}", 2)
    try:
        profiles = batching.read_services(services)
        rows = pq.ParquetFile(source).metadata.num_rows
    except (batching.BatchError, OSError, ValueError) as error:
        raise fail(f"batch: {error}", 2) from None
    rulebase = load_rules(rules)
    with Progress(disable=quiet, transient=True) as progress:
        task = progress.add_task("answering", total=rows)
        try:
            done = batching.answer_parquet(
                rulebase,
                source,
                target,
                profiles,
                batching.Columns(*names),
                progress=lambda n: progress.advance(task, n),
            )
        except (batching.BatchError, OSError, ValueError) as error:
            raise fail(f"batch: {error}", 2) from None
    typer.echo(f"{done:,} rows answered into {target}", err=True)
