"""Commands across markets and versions: compare markets, the strictest common baseline, a
launch checklist, what changed between two rule sets, defined terms, and who enforces what."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from obligate.determination.query import QueryError
from obligate.interfaces.cli.app import (
    DateOption,
    MarketsOption,
    RulesOption,
    ServiceOption,
    WidthOption,
    emit,
    fail,
    load_rules,
    market_list,
    service_facts,
    terminal_width,
)
from obligate.interfaces.cli.choices import (
    ChecklistFormat,
    ChecklistOrder,
    EnforcementFormat,
    ReportFormat,
    TextFormat,
)

ReportOption = Annotated[
    ReportFormat, typer.Option("--format", help="a table, or JSON, Markdown, HTML or CSV")
]


def table_width(asked: int | None, out: Path | None) -> int | None:
    """The width a table is laid out to: ``--width``, else COLUMNS or the terminal's when
    printing to one; None for a file or a pipe, which keep the table's own width."""
    if asked is not None:
        return asked
    if out is None and ("COLUMNS" in os.environ or sys.stdout.isatty()):
        return terminal_width(None)
    return None


def compare(
    markets: MarketsOption,
    date: DateOption,
    rules: RulesOption = [],  # noqa: B006 - typer reads the default; none: the shipped library
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 8-17")] = None,
    categories: Annotated[
        str | None, typer.Option("--categories", help="only these, comma-separated")
    ] = None,
    output: ReportOption = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
    width: WidthOption = None,
) -> None:
    """Categories × markets: which duties each market's law imposes, side by side."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    columns = table_width(width, out)
    renderers = {
        "table": lambda comparison: harmonize_report.compare_table(
            comparison, columns or harmonize_report.COMPARE_WIDTH
        ),
        "md": harmonize_report.compare_markdown,
        "html": harmonize_report.compare_html,
        "csv": harmonize_report.compare_csv,
    }
    rulebase = load_rules(rules)
    try:
        comparison = harmonize.compare(
            rulebase,
            service_facts(service),
            market_list(markets),
            date,
            ages,
            market_list(categories) if categories else None,
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    emit(comparison.to_json() + "\n" if output == "json" else renderers[output](comparison), out)


def baseline(
    markets: MarketsOption,
    date: DateOption,
    rules: RulesOption = [],  # noqa: B006
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 8-17")] = None,
    output: ReportOption = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
) -> None:
    """The strictest common reading across markets, its conflicts and divergence."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    rulebase = load_rules(rules)
    try:
        comparison = harmonize.compare(
            rulebase, service_facts(service), market_list(markets), date, ages
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    result = harmonize.baseline(comparison, rulebase)
    spread = harmonize.divergence(comparison)
    if output == "json":
        payload = json.loads(result.to_json())
        payload["divergence"] = [d.model_dump() for d in spread]
        emit(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", out)
    elif output == "csv":
        emit(harmonize_report.baseline_csv(result), out)
    else:
        render = {
            "table": harmonize_report.baseline_text,
            "md": harmonize_report.baseline_markdown,
            "html": harmonize_report.baseline_html,
        }[output]
        emit(render(result, spread), out)


def checklist(
    markets: MarketsOption,
    launch_date: Annotated[str, typer.Option("--launch-date", help="YYYY-MM-DD")],
    rules: RulesOption = [],  # noqa: B006
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 0-17")] = None,
    output: Annotated[
        ChecklistFormat, typer.Option("--format", help="how to write the checklist")
    ] = ChecklistFormat.md,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
    sort: Annotated[
        ChecklistOrder,
        typer.Option("--sort", help="by category, or by exposure (highest penalties first)"),
    ] = ChecklistOrder.category,
) -> None:
    """One item per duty to meet by launch, grouped by category, with the year ahead."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    renderers = {
        "md": harmonize_report.checklist_markdown,
        "html": harmonize_report.checklist_html,
        "csv": harmonize_report.checklist_csv,
    }
    rulebase = load_rules(rules)
    try:
        result = harmonize.checklist(
            rulebase,
            service_facts(service),
            market_list(markets),
            launch_date,
            ages,
            "exposure" if sort == "exposure" else "category",
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    emit(result.to_json() + "\n" if output == "json" else renderers[output](result), out)


def diff(
    old: Annotated[str, typer.Argument(help="old rules: a folder, or FOLDER@GIT-REVISION")],
    new: Annotated[str, typer.Argument(help="new rules: a folder, or FOLDER@GIT-REVISION")],
    cases: Annotated[
        list[Path] | None, typer.Option("--casebook", help="casebook to re-run on both")
    ] = None,
    output: Annotated[
        TextFormat, typer.Option("--format", help="how to print the changes")
    ] = TextFormat.text,
) -> None:
    """Duties added, removed and changed, and the casebook answers that move."""
    from obligate.determination import casebook
    from obligate.harmonise import diff as rule_diff

    with rule_diff.temporary_workdir() as work:
        try:
            old_path = rule_diff.checkout(old, Path(work))
            new_path = rule_diff.checkout(new, Path(work))
        except rule_diff.DiffError as error:
            raise fail(f"diff: {error}", 2) from None
        old_rules, new_rules = load_rules([old_path]), load_rules([new_path])
        try:
            loaded = (
                casebook.load_cases(cases or [Path("casebook")])
                if (cases or Path("casebook").is_dir())
                else []
            )
        except casebook.CasebookError as error:
            raise fail(f"casebook error:\n{error}", 1) from None
        result = rule_diff.diff(old_rules, new_rules, loaded)
    typer.echo(result.to_json() if output == "json" else rule_diff.diff_text(result), nl=False)


def glossary(
    term: Annotated[
        str | None, typer.Argument(help="a defined term, e.g. child (default: every term)")
    ] = None,
    markets: Annotated[
        str | None,
        typer.Option("--markets", help="comma-separated, e.g. EU,GB,US (default: all)"),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")] = None,
    rules: RulesOption = [],  # noqa: B006
    output: ReportOption = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
    width: WidthOption = None,
) -> None:
    """Each defined term, market by market: the law's words, citation and attributes, and
    where the markets differ."""
    from obligate.reports import glossary as glossary_report

    rulebase = load_rules(rules)
    try:
        result = rulebase.glossary(
            [term] if term else None, market_list(markets) if markets else None, date
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    emit(glossary_report.render(result, output, table_width(width, out)), out)


def enforcement(
    instrument: Annotated[
        str | None, typer.Argument(help="an instrument id (default: every instrument)")
    ] = None,
    rules: RulesOption = [],  # noqa: B006
    output: Annotated[
        EnforcementFormat, typer.Option("--format", help="how to print the table")
    ] = EnforcementFormat.table,
) -> None:
    """Who enforces each instrument and its penalty ceilings, highest exposure first."""
    from obligate.determination import enforcement as enforcement_data

    rulebase = load_rules(rules)
    try:
        rows = (
            [rulebase.enforcement(instrument)]
            if instrument
            else enforcement_data.enforcement_table(rulebase)
        )
    except QueryError as error:
        raise fail(str(error), 2) from None
    if output == "json":
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    for row in rows:
        typer.echo(f"{row.instrument}: {row.summary}")
