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
    WidthOption,
    fail,
    load_rules,
    service_facts,
    terminal_width,
    user_facts,
)
from obligate.interfaces.cli.choices import AnswerFormat, TableFormat, TextFormat
from obligate.reports import answer as report


def query(
    location: LocationOption,
    date: DateOption,
    rules: RulesOption = [],  # noqa: B006 - typer reads the default; none: the shipped library
    service: ServiceOption = None,
    age: AgeOption = None,
    output: Annotated[
        AnswerFormat, typer.Option("--format", help="how to print the answer")
    ] = AnswerFormat.table,
    horizon: Annotated[int, typer.Option("--horizon", help="days ahead for `upcoming`")] = 365,
    width: WidthOption = None,
) -> None:
    """Which duties apply to this service, for this user, in this place, on this date."""
    rulebase = load_rules(rules)
    try:
        answer = rulebase.determine(
            service_facts(service), user_facts(age, location), date, horizon
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    if output is AnswerFormat.json:
        typer.echo(answer.to_json())
    elif output is AnswerFormat.md:
        # the reasons in words, as `explain` tells them, for each duty that applies
        facts, user = service_facts(service), user_facts(age, location)
        words = {d.id: rulebase.explain(d.id, facts, user, date).words for d in answer.duties}
        typer.echo(report.markdown(answer, words), nl=False)
    elif output is AnswerFormat.csv:
        from obligate.reports.answer_csv import answer_csv

        typer.echo(answer_csv(answer), nl=False)
    else:
        typer.echo(report.table(answer, width=terminal_width(width)), nl=False)


def explain(
    duty: Annotated[str, typer.Argument(help="the duty id")],
    location: LocationOption,
    date: DateOption,
    rules: RulesOption = [],  # noqa: B006
    service: ServiceOption = None,
    age: AgeOption = None,
    output: Annotated[
        TextFormat, typer.Option("--format", help="how to print the explanation")
    ] = TextFormat.text,
) -> None:
    """Why a duty applies to a query, or why it does not."""
    rulebase = load_rules(rules)
    try:
        explanation = rulebase.explain(
            duty, service_facts(service), user_facts(age, location), date
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    if output is TextFormat.json:
        typer.echo(explanation.to_json())
    else:
        typer.echo(report.explanation_text(explanation), nl=False)


def batch_command(
    source: Annotated[
        Path, typer.Argument(help="queries, one row per query: a Parquet or CSV file")
    ],
    target: Annotated[
        Path, typer.Argument(help="where to write the answers: .parquet or .csv")
    ],
    services: Annotated[
        Path, typer.Option("--services", help="service profiles (YAML): profile id -> facts")
    ],
    rules: RulesOption = [],  # noqa: B006
    columns: Annotated[
        str, typer.Option("--columns", help="the query columns: service,age,location,date")
    ] = "service,age,location,date",
    input_format: Annotated[
        TableFormat | None,
        typer.Option("--input-format", help="the source's format (default: from its name)"),
    ] = None,
    output_format: Annotated[
        TableFormat | None,
        typer.Option("--output-format", help="the target's format (default: from its name)"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Answer a table of queries: each row gets the ids of the duties that apply, are
    conditional or suspended, their categories, the rule base's version, and an error where
    the row cannot be answered. The target is written whole or not at all."""
    try:
        from rich.progress import Progress

        from obligate.interfaces import batch as batching
        from obligate.interfaces.batch import files
    except ImportError as error:
        message = f"batch needs pandas and pyarrow ({error}); install 'obligate[batch]'"
        raise fail(message, 2) from None
    names = [n.strip() for n in columns.split(",")]
    if len(names) != 4 or not all(names):
        raise fail(f"--columns: expected four names, found {columns!r}", 2)
    reading = input_format.value if input_format else None
    writing = output_format.value if output_format else None
    try:
        profiles = batching.read_services(services)
        rows = files.count_rows(source, files.file_format(source, reading))
    except (batching.BatchError, OSError, ValueError) as error:
        raise fail(f"batch: {error}", 2) from None
    rulebase = load_rules(rules)
    with Progress(disable=quiet, transient=True) as progress:
        task = progress.add_task("answering", total=rows)
        try:
            done = batching.answer_file(
                rulebase,
                source,
                target,
                profiles,
                batching.Columns(*names),
                progress=lambda n: progress.advance(task, n),
                input_format=reading,
                output_format_name=writing,
            )
        except (batching.BatchError, OSError, ValueError) as error:
            raise fail(f"batch: {error}", 2) from None
    typer.echo(f"{done:,} rows answered into {target}", err=True)
