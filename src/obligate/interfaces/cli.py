"""The command line: thin wiring of flags to the Python API and the report renderers.

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from obligate.determination import casebook
from obligate.determination.query import QueryError
from obligate.determination.rulebase import RuleBase, load
from obligate.language.diagnostics import Diagnostic, RuleFileError, render_all
from obligate.reports import answer as report

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Which child-online-protection duties apply, where, from when, and why.",
)

RulesOption = Annotated[list[Path], typer.Option("--rules", help="rule files or folders")]
ServiceOption = Annotated[Path | None, typer.Option("--service", help="service facts (YAML)")]
AgeOption = Annotated[int | None, typer.Option("--age", help="the user's age in whole years")]
LocationOption = Annotated[str, typer.Option("--location", help="jurisdiction code, e.g. DE")]
DateOption = Annotated[str, typer.Option("--date", help="YYYY-MM-DD")]


@app.callback()
def _root() -> None:
    """obligate: child-online-protection duties as rule files, answered with citations."""


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _load(paths: Sequence[Path]) -> RuleBase:
    try:
        return load(*paths)
    except RuleFileError as error:
        typer.echo(render_all(error.diagnostics, error.sources), err=True)
        raise typer.Exit(1) from None


def _service(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(f"--service: cannot read {path}: {exc}", 2) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _fail(f"--service: {path} must hold a mapping of service facts", 2)
    return data


def _user(age: int | None, location: str) -> dict[str, Any]:
    return {"location": location} | ({"age": age} if age is not None else {})


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="rule files or folders")],
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    no_cache: Annotated[bool, typer.Option("--no-cache", help="compile from scratch")] = False,
) -> None:
    """Compile rule files and report every problem: exit 1 on errors, 0 when clean."""
    from obligate.language.compiler import compile_paths

    try:
        compiled = compile_paths(paths, use_cache=not no_cache)
    except RuleFileError as error:
        _print_diagnostics(error.diagnostics, error.sources, output)
        raise typer.Exit(1) from None
    _print_diagnostics(compiled.warnings, compiled.sources, output)
    if output == "text":
        library = compiled.library
        typer.echo(
            f"ok: {len(library.duties)} duties, {len(library.definitions)} definitions, "
            f"{len(library.instruments)} instruments, {len(library.jurisdictions)} "
            f"jurisdictions; {len(compiled.warnings)} warnings"
        )


def _print_diagnostics(diagnostics: list[Diagnostic], sources: dict[str, str], output: str) -> None:
    if output == "json":
        typer.echo(json.dumps([d.to_dict() for d in diagnostics], indent=2))
    elif diagnostics:
        typer.echo(render_all(diagnostics, sources))


@app.command()
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
        raise _fail(f"--format: unknown format {output!r}; accepted: json, table, md", 2)
    rulebase = _load(rules)
    try:
        answer = rulebase.determine(_service(service), _user(age, location), date, horizon)
    except QueryError as error:
        raise _fail(str(error), 2) from None
    if output == "json":
        typer.echo(answer.to_json())
    elif output == "md":
        typer.echo(report.markdown(answer), nl=False)
    else:
        typer.echo(report.table(answer), nl=False)


@app.command()
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
    rulebase = _load(rules)
    try:
        explanation = rulebase.explain(duty, _service(service), _user(age, location), date)
    except QueryError as error:
        raise _fail(str(error), 2) from None
    if output == "json":
        typer.echo(explanation.to_json())
    else:
        typer.echo(report.explanation_text(explanation), nl=False)


@app.command()
def graph(
    rules: RulesOption = [Path("rules")],  # noqa: B006
    output: Annotated[str, typer.Option("--format", help="dot, mermaid, svg or png")] = "dot",
    colour_by: Annotated[
        str | None, typer.Option("--colour-by", help="a parameter, e.g. digital_consent_age")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (for --colour-by)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
) -> None:
    """The jurisdiction graph (member_of, part_of, party_to) as text or a picture."""
    from obligate.reports import picture

    if output not in ("dot", "mermaid", "svg", "png"):
        raise _fail(f"--format: unknown format {output!r}; accepted: dot, mermaid, svg, png", 2)
    rulebase = _load(rules)
    if colour_by is not None and colour_by not in rulebase.compiled.library.parameters:
        known = ", ".join(sorted(rulebase.compiled.library.parameters))
        raise _fail(f"--colour-by: unknown parameter {colour_by!r}; accepted: {known}", 2)
    day = _day(date) if date else dt.date.today()
    if output == "mermaid":
        data: bytes = rulebase.graph.to_mermaid().encode()
    else:
        text = picture.dot(rulebase, colour_by, day)
        try:
            data = text.encode() if output == "dot" else picture.render(text, output)
        except picture.PictureError as error:
            raise _fail(f"graph: {error}", 1) from None
    if out is not None:
        out.write_bytes(data)
    elif output == "png":
        raise _fail("--format png writes binary data: give --out FILE", 2)
    else:
        typer.echo(data.decode(), nl=False)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--date: {text!r} is not a date; accepted: YYYY-MM-DD", 2) from None


MarketsOption = Annotated[str, typer.Option("--markets", help="comma-separated, e.g. DE,FR,GB")]


def _markets(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command()
def compare(
    markets: MarketsOption,
    date: DateOption,
    rules: RulesOption = [Path("rules")],  # noqa: B006
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 8-17")] = None,
    categories: Annotated[
        str | None, typer.Option("--categories", help="only these, comma-separated")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table, json, md, html, csv")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
) -> None:
    """Categories × markets: which duties each market's law imposes, side by side."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    renderers = {
        "table": harmonize_report.compare_table,
        "md": harmonize_report.compare_markdown,
        "html": harmonize_report.compare_html,
        "csv": harmonize_report.compare_csv,
    }
    if output not in (*renderers, "json"):
        raise _fail(f"--format: unknown format {output!r}; accepted: table, json, md, html, csv", 2)
    rulebase = _load(rules)
    try:
        comparison = harmonize.compare(
            rulebase,
            _service(service),
            _markets(markets),
            date,
            ages,
            _markets(categories) if categories else None,
        )
    except QueryError as error:
        raise _fail(str(error), 2) from None
    _emit(comparison.to_json() + "\n" if output == "json" else renderers[output](comparison), out)


@app.command()
def baseline(
    markets: MarketsOption,
    date: DateOption,
    rules: RulesOption = [Path("rules")],  # noqa: B006
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 8-17")] = None,
    output: Annotated[str, typer.Option("--format", help="table, json, md, html, csv")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
) -> None:
    """The strictest common reading across markets, its conflicts and divergence."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    if output not in ("table", "json", "md", "html", "csv"):
        raise _fail(f"--format: unknown format {output!r}; accepted: table, json, md, html, csv", 2)
    rulebase = _load(rules)
    try:
        comparison = harmonize.compare(rulebase, _service(service), _markets(markets), date, ages)
    except QueryError as error:
        raise _fail(str(error), 2) from None
    result = harmonize.baseline(comparison, rulebase)
    spread = harmonize.divergence(comparison)
    if output == "json":
        payload = json.loads(result.to_json())
        payload["divergence"] = [d.model_dump() for d in spread]
        _emit(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", out)
    elif output == "csv":
        _emit(harmonize_report.baseline_csv(result), out)
    else:
        render = {
            "table": harmonize_report.baseline_text,
            "md": harmonize_report.baseline_markdown,
            "html": harmonize_report.baseline_html,
        }[output]
        _emit(render(result, spread), out)


@app.command()
def checklist(
    markets: MarketsOption,
    launch_date: Annotated[str, typer.Option("--launch-date", help="YYYY-MM-DD")],
    rules: RulesOption = [Path("rules")],  # noqa: B006
    service: ServiceOption = None,
    ages: Annotated[str | None, typer.Option("--ages", help="age range, e.g. 0-17")] = None,
    output: Annotated[str, typer.Option("--format", help="md, html, csv or json")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="category, or exposure (highest penalties first)")
    ] = "category",
) -> None:
    """One item per duty to meet by launch, grouped by category, with the year ahead."""
    from obligate.harmonise import harmonize
    from obligate.reports import harmonise as harmonize_report

    renderers = {
        "md": harmonize_report.checklist_markdown,
        "html": harmonize_report.checklist_html,
        "csv": harmonize_report.checklist_csv,
    }
    if output not in (*renderers, "json"):
        raise _fail(f"--format: unknown format {output!r}; accepted: md, html, csv, json", 2)
    rulebase = _load(rules)
    try:
        if sort not in ("category", "exposure"):
            raise _fail(f"--sort: unknown order {sort!r}; accepted: category, exposure", 2)
        result = harmonize.checklist(
            rulebase,
            _service(service),
            _markets(markets),
            launch_date,
            ages,
            "exposure" if sort == "exposure" else "category",
        )
    except QueryError as error:
        raise _fail(str(error), 2) from None
    _emit(result.to_json() + "\n" if output == "json" else renderers[output](result), out)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="old rules: a folder, or FOLDER@GIT-REVISION")],
    new: Annotated[str, typer.Argument(help="new rules: a folder, or FOLDER@GIT-REVISION")],
    cases: Annotated[
        list[Path] | None, typer.Option("--casebook", help="casebook to re-run on both")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Duties added, removed and changed, and the casebook answers that move."""
    from obligate.harmonise import diff as rule_diff

    with rule_diff.temporary_workdir() as work:
        try:
            old_path = rule_diff.checkout(old, Path(work))
            new_path = rule_diff.checkout(new, Path(work))
        except rule_diff.DiffError as error:
            raise _fail(f"diff: {error}", 2) from None
        old_rules, new_rules = _load([old_path]), _load([new_path])
        try:
            loaded = (
                casebook.load_cases(cases or [Path("casebook")])
                if (cases or Path("casebook").is_dir())
                else []
            )
        except casebook.CasebookError as error:
            raise _fail(f"casebook error:\n{error}", 1) from None
        result = rule_diff.diff(old_rules, new_rules, loaded)
    typer.echo(result.to_json() if output == "json" else rule_diff.diff_text(result), nl=False)


@app.command("test")
def test_cases(
    paths: Annotated[list[Path], typer.Argument(help="casebook files or folders")],
    rules: RulesOption = [Path("rules")],  # noqa: B006
    coverage: Annotated[
        bool, typer.Option("--coverage", help="list duties no case exercises")
    ] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="one line per case")] = False,
) -> None:
    """Run casebook cases: pytest-like output and a closing `N passed, N failed` line."""
    rulebase = _load(rules)
    try:
        cases = casebook.load_cases(paths)
    except casebook.CasebookError as error:
        raise _fail(f"casebook error:\n{error}", 1) from None
    outcomes = list(casebook.run(rulebase, cases))
    failed = [o for o in outcomes if not o.passed]
    if verbose:
        for outcome in outcomes:
            typer.echo(f"{outcome.loaded.name} {'PASSED' if outcome.passed else 'FAILED'}")
    else:
        typer.echo("".join("." if o.passed else "F" for o in outcomes))
    for outcome in failed:
        typer.echo(f"\n___ {outcome.loaded.name} ___")
        typer.echo(f"note: {outcome.loaded.case.note}")
        for failure in outcome.failures:
            typer.echo(f"  {failure}")
    if coverage:
        missing = casebook.unexercised(rulebase, outcomes)
        total = len(rulebase.duties)
        typer.echo(f"\ncoverage: {total - len(missing)} of {total} duties exercised by a case")
        for duty_id in missing:
            typer.echo(f"  not exercised: {duty_id}")
    typer.echo(f"\n{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- serve and the decision log

DEFAULT_DECISION_LOG = "obligate-decisions.sqlite3"
DecisionLogOption = Annotated[
    str,
    typer.Option(
        "--decision-log",
        help="SQLite file, or a postgresql://user@host:port/db DSN",
    ),
]


@app.command()
def serve(
    rules: RulesOption = [Path("rules")],  # noqa: B006
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
    watch: Annotated[
        bool, typer.Option("--watch", help="reload the rules when their files change")
    ] = False,
    decision_log: DecisionLogOption = DEFAULT_DECISION_LOG,
    no_decision_log: Annotated[
        bool, typer.Option("--no-decision-log", help="record nothing")
    ] = False,
    access_log: Annotated[bool, typer.Option("--access-log", help="log every request")] = False,
) -> None:
    """Serve the HTTP API (/v1/..., /openapi.json) and the web page (/) until interrupted."""
    from obligate.interfaces.decision_log import DecisionLogError
    from obligate.interfaces.server import serve as run_server

    if not 0 < port < 65536:
        raise _fail(f"--port: {port} is not a port; accepted: 1 to 65535", 2)
    try:
        run_server(
            rules,
            host=host,
            port=port,
            watch=watch,
            decision_log=None if no_decision_log else decision_log,
            access_log=access_log,
        )
    except RuleFileError as error:
        typer.echo(render_all(error.diagnostics, error.sources), err=True)
        raise typer.Exit(1) from None
    except DecisionLogError as error:
        raise _fail(f"--decision-log: {error}", 2) from None


log_app = typer.Typer(
    no_args_is_help=True, help="List and export the decision log (answered determinations)."
)
app.add_typer(log_app, name="log")


def _records(
    decision_log: str,
    since: str | None,
    until: str | None,
    duty: str | None,
    limit: int | None,
    newest_first: bool,
) -> list[Any]:
    from obligate.interfaces import decision_log as dl

    try:
        selection = dl.Selection(
            since=dl.parse_moment(since, "--since") if since else None,
            until=dl.parse_moment(until, "--until") if until else None,
            duty=duty,
            limit=limit,
            newest_first=newest_first,
        )
        with dl.reading(decision_log) as store:
            return store.read(selection)
    except dl.DecisionLogError as error:
        raise _fail(str(error), 2) from None


SinceOption = Annotated[str | None, typer.Option("--since", help="from this date or time (UTC)")]
UntilOption = Annotated[str | None, typer.Option("--until", help="before this date or time (UTC)")]
DutyFilterOption = Annotated[
    str | None, typer.Option("--duty", help="only records where this duty applied")
]


@log_app.command("list")
def log_list(
    decision_log: DecisionLogOption = DEFAULT_DECISION_LOG,
    limit: Annotated[int, typer.Option("--limit", help="how many, newest first")] = 20,
    since: SinceOption = None,
    until: UntilOption = None,
    duty: DutyFilterOption = None,
) -> None:
    """The latest records, newest first."""
    from rich.console import Console
    from rich.table import Table

    records = _records(decision_log, since, until, duty, max(limit, 0), True)
    grid = Table(title=f"decision log {decision_log}", title_justify="left")
    for column in ("time (UTC)", "rule base", "location", "age", "date", "duties", "id"):
        grid.add_column(column)
    for record in records:
        user = record.query.get("user", {})
        grid.add_row(
            record.time_text[:19].replace("T", " "),
            record.rulebase_version,
            str(user.get("location", "")),
            str(user.get("age", "")),
            str(record.query.get("date", "")),
            f"{len(record.duty_ids)}",
            record.id,
        )
    Console(width=140).print(grid)
    typer.echo(f"{len(records)} records shown")


@log_app.command("export")
def log_export(
    decision_log: DecisionLogOption = DEFAULT_DECISION_LOG,
    output_format: Annotated[str, typer.Option("--format", help="jsonl, json or csv")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    duty: DutyFilterOption = None,
) -> None:
    """Every selected record, oldest first, as JSON Lines, JSON or CSV."""
    from obligate.interfaces.decision_log import EXPORT_FORMATS, export_text

    if output_format not in EXPORT_FORMATS:
        raise _fail(
            f"--format: unknown format {output_format!r}; accepted: {', '.join(EXPORT_FORMATS)}",
            2,
        )
    text = export_text(_records(decision_log, since, until, duty, None, False), output_format)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"--output: cannot write {output}: {exc.strerror}", 2) from None


@app.command()
def glossary(
    term: Annotated[
        str | None, typer.Argument(help="a defined term, e.g. child (default: every term)")
    ] = None,
    markets: Annotated[
        str | None,
        typer.Option("--markets", help="comma-separated, e.g. EU,GB,US (default: all)"),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")] = None,
    rules: RulesOption = [Path("rules")],  # noqa: B006
    output: Annotated[str, typer.Option("--format", help="table, json, md, html, csv")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
) -> None:
    """Each defined term, market by market: the law's words, citation and attributes, and
    where the markets differ."""
    from obligate.reports import glossary as glossary_report

    if output not in glossary_report.FORMATS:
        accepted = ", ".join(glossary_report.FORMATS)
        raise _fail(f"--format: unknown format {output!r}; accepted: {accepted}", 2)
    rulebase = _load(rules)
    try:
        result = rulebase.glossary(
            [term] if term else None, _markets(markets) if markets else None, date
        )
    except QueryError as error:
        raise _fail(str(error), 2) from None
    _emit(glossary_report.render(result, output), out)


@app.command()
def enforcement(
    instrument: Annotated[
        str | None, typer.Argument(help="an instrument id (default: every instrument)")
    ] = None,
    rules: RulesOption = [Path("rules")],  # noqa: B006
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Who enforces each instrument and its penalty ceilings, highest exposure first."""
    from obligate.determination import enforcement as enforcement_data

    if output not in ("table", "json"):
        raise _fail(f"--format: unknown format {output!r}; accepted: table, json", 2)
    rulebase = _load(rules)
    try:
        rows = (
            [rulebase.enforcement(instrument)]
            if instrument
            else enforcement_data.enforcement_table(rulebase)
        )
    except QueryError as error:
        raise _fail(str(error), 2) from None
    if output == "json":
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    for row in rows:
        typer.echo(f"{row.instrument}: {row.summary}")


@app.command("batch")
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
        raise _fail(message, 2) from None
    names = [n.strip() for n in columns.split(",")]
    if len(names) != 4 or not all(names):
        raise _fail(f"--columns: expected four names, found {columns!r}", 2)
    try:
        profiles = batching.read_services(services)
        rows = pq.ParquetFile(source).metadata.num_rows
    except (batching.BatchError, OSError, ValueError) as error:
        raise _fail(f"batch: {error}", 2) from None
    rulebase = _load(rules)
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
            raise _fail(f"batch: {error}", 2) from None
    typer.echo(f"{done:,} rows answered into {target}", err=True)


def main() -> None:
    app()
