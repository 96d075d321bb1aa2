"""Commands for running obligate as a service: serve the HTTP API and the web page, and
read back the decision log it keeps (``obligate log list|export``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from obligate.interfaces.cli.app import RulesOption, WidthOption, fail, terminal_width
from obligate.interfaces.cli.choices import ExportFormat, TokenScope
from obligate.language.diagnostics import RuleFileError, render_all


def _default_decision_log() -> str:
    from obligate.interfaces.decision_log import default_path

    return str(default_path())


DEFAULT_DECISION_LOG = _default_decision_log()
DecisionLogOption = Annotated[
    str,
    typer.Option(
        "--decision-log",
        help="SQLite file, or a postgresql://user@host:port/db DSN",
    ),
]


def serve(
    rules: RulesOption = [],  # noqa: B006 - typer reads the default; none: the shipped library
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
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="a file (mode 600) holding the bearer token that /v1/log needs; "
            "else OBLIGATE_API_TOKEN",
        ),
    ] = None,
    token_for: Annotated[
        TokenScope,
        typer.Option("--token-for", help="log: only /v1/log needs it; api: every /v1 route"),
    ] = TokenScope.log,
    max_connections: Annotated[
        int, typer.Option("--max-connections", help="open connections at once", min=1)
    ] = 2048,
    header_timeout: Annotated[
        float, typer.Option("--header-timeout", help="seconds to send a request's head", min=0.1)
    ] = 10.0,
    body_timeout: Annotated[
        float, typer.Option("--body-timeout", help="seconds to send a request's body", min=0.1)
    ] = 30.0,
    keep_alive: Annotated[
        int, typer.Option("--keep-alive", help="seconds an idle connection stays open", min=1)
    ] = 5,
    rate_limit: Annotated[
        float,
        typer.Option("--rate-limit", help="requests a second per client address (0: none)", min=0),
    ] = 0.0,
    rate_burst: Annotated[
        int, typer.Option("--rate-burst", help="requests at once above the rate", min=0)
    ] = 0,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", help="processes answering (one core each), forked after the load", min=1
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (/v1/..., /openapi.json) and the web page (/) until interrupted."""
    from obligate.interfaces.decision_log import DecisionLogError
    from obligate.interfaces.server import Limits, ListenError, TokenError
    from obligate.interfaces.server import serve as run_server

    if not 0 < port < 65536:
        raise fail(f"--port: {port} is not a port; accepted: 1 to 65535", 2)
    limits = Limits(
        max_connections=max_connections,
        header_seconds=header_timeout,
        body_seconds=body_timeout,
        keep_alive_seconds=keep_alive,
        rate=rate_limit,
        burst=rate_burst,
    )
    try:
        run_server(
            rules,
            host=host,
            port=port,
            watch=watch,
            decision_log=None if no_decision_log else decision_log,
            access_log=access_log,
            limits=limits,
            token_file=token_file,
            token_for="api" if token_for is TokenScope.api else "log",
            workers=workers,
        )
    except RuleFileError as error:
        typer.echo(render_all(error.diagnostics, error.sources), err=True)
        raise typer.Exit(1) from None
    except DecisionLogError as error:
        raise fail(f"--decision-log: {error}", 2) from None
    except TokenError as error:
        raise fail(f"--token-file: {error}", 2) from None
    except ListenError as error:
        raise fail(f"--host/--port: {error}", 2) from None


log_app = typer.Typer(
    no_args_is_help=True, help="List and export the decision log (answered determinations)."
)


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
        raise fail(str(error), 2) from None


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
    width: WidthOption = None,
) -> None:
    """The latest records, newest first."""
    from obligate.reports import plain_table

    records = _records(decision_log, since, until, duty, max(limit, 0), True)
    title = f"decision log {decision_log}"
    header = ("time (UTC)", "rule base", "location", "age", "date", "duties", "id")
    rows = [
        (
            record.time_text[:19].replace("T", " "),
            record.rulebase_version,
            str(record.query.get("user", {}).get("location", "")),
            str(record.query.get("user", {}).get("age", "")),
            str(record.query.get("date", "")),
            f"{len(record.duty_ids)}",
            record.id,
        )
        for record in records
    ]
    columns = terminal_width(width)
    texts = [title, *(cell for row in rows for cell in row)]
    if plain_table.plain(*texts):
        typer.echo(plain_table.table(title, header, rows, columns, fold=True), nl=False)
    else:
        typer.echo(plain_table.rich_table(title, header, rows, columns), nl=False)
    typer.echo(f"{len(records)} records shown")


@log_app.command("export")
def log_export(
    decision_log: DecisionLogOption = DEFAULT_DECISION_LOG,
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="how to write the records")
    ] = ExportFormat.jsonl,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    duty: DutyFilterOption = None,
) -> None:
    """Every selected record, oldest first, as JSON Lines, JSON or CSV."""
    from obligate.interfaces.decision_log import export_text

    text = export_text(_records(decision_log, since, until, duty, None, False), output_format.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"--output: cannot write {output}: {exc.strerror}", 2) from None
