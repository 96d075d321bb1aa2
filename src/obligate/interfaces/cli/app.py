"""The typer application and what every command shares: the common options, reading the
rules and the service facts, and failing with an exit code.

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from obligate.interfaces.cli.commands import ObligateCommands
from obligate.language.release import SHIPPED_NAME

if TYPE_CHECKING:
    from obligate.determination.rulebase import RuleBase

app = typer.Typer(
    cls=ObligateCommands,  # commands.py: each command's module is imported when it runs
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    help="Which child-online-protection duties apply, where, from when, and why.",
)

RulesOption = Annotated[
    list[Path],
    typer.Option(
        "--rules",
        help="rule files or folders (repeat to layer them); FOLDER@REV: the folder as git holds "
        "it at a revision; @shipped: the library shipped with obligate, the default",
        metavar="PATH",
    ),
]
ServiceOption = Annotated[Path | None, typer.Option("--service", help="service facts (YAML)")]
AgeOption = Annotated[int | None, typer.Option("--age", help="the user's age in whole years")]
LocationOption = Annotated[str, typer.Option("--location", help="jurisdiction code, e.g. DE")]
DateOption = Annotated[str, typer.Option("--date", help="YYYY-MM-DD")]
MarketsOption = Annotated[str, typer.Option("--markets", help="comma-separated, e.g. DE,FR,GB")]
WidthOption = Annotated[
    int | None,
    typer.Option("--width", min=40, help="columns for tables (default: the terminal's width)"),
]
DEFAULT_WIDTH = 140  # where the output is not a terminal (a pipe, a file): as before


def terminal_width(asked: int | None) -> int:
    """The width tables are laid out to: ``--width``, else COLUMNS, else the terminal's when
    the output is one, else DEFAULT_WIDTH (so that a file's layout does not depend on the
    terminal that happened to run the command)."""
    if asked is not None:
        return asked
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def _print_version(asked: bool) -> None:
    if asked:
        from obligate.interfaces.cli.version import version_text

        typer.echo(version_text())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="print the engine's and the shipped rule library's versions, and exit",
        ),
    ] = False,
) -> None:
    """obligate: child-online-protection duties as rule files, answered with citations."""


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` to stderr; the caller raises the returned exit."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def load_rules(paths: Sequence[Path]) -> RuleBase:
    """The rule base of ``--rules`` (none: the shipped library), a revision read from git."""
    from obligate.determination.rulebase import load
    from obligate.language.diagnostics import RuleFileError, render_all

    with tempfile.TemporaryDirectory(prefix="obligate-rules-") as work:
        folders = [rule_folder(path, Path(work)) for path in paths]
        try:
            return load(*folders)
        except RuleFileError as error:
            typer.echo(render_all(error.diagnostics, error.sources), err=True)
            raise typer.Exit(1) from None


def rule_folder(path: Path, work: Path) -> Path:
    """A ``--rules`` value as a path: itself, the shipped library, or ``FOLDER@REV`` checked
    out of git into ``work`` (as ``obligate diff`` reads revisions)."""
    text = str(path)
    if text == SHIPPED_NAME or path.exists() or "@" not in text:
        return path
    from obligate.harmonise.diff import DiffError, checkout

    try:
        return checkout(text, work)
    except DiffError as error:
        raise fail(f"--rules: {error}", 2) from None


SERVICE_FILE_BYTES = 1_000_000
SERVICE_FILE_NODES = 100_000
SERVICE_FILE_DEPTH = 50


def _bounded_yaml(text: str, loader: Any) -> None:
    """Refuse what could make a small file huge or deep once loaded: aliases (a "billion
    laughs" bomb expands nine-fold per level), too many nodes, too deep a nesting (the YAML
    composer recurses). A service file needs none of them."""
    import yaml

    depth = nodes = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            where = f"line {event.start_mark.line + 1}: " if event.start_mark else ""
            raise yaml.YAMLError(f"{where}aliases (*name) are not accepted")
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if nodes > SERVICE_FILE_NODES or depth > SERVICE_FILE_DEPTH:
            raise yaml.YAMLError(
                f"more than {SERVICE_FILE_NODES:,} values or {SERVICE_FILE_DEPTH} levels"
            )


def _read_yaml(text: str) -> Any:
    """The service file's data, bounded. libyaml reads it where PyYAML has it (ten times
    faster); anything it refuses is read again by PyYAML's own reader, whose message (or
    whose reading, where the two differ) is the one given, as before."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            _bounded_yaml(text, fast)
            return yaml.load(text, Loader=fast)  # noqa: S506 - a safe loader, in C
        except yaml.YAMLError:
            pass
    _bounded_yaml(text, yaml.SafeLoader)
    return yaml.safe_load(text)


def service_facts(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    import yaml  # here, not at start-up: only a command given a service file reads YAML

    try:
        if path.stat().st_size > SERVICE_FILE_BYTES:
            raise fail(f"--service: {path} is larger than {SERVICE_FILE_BYTES:,} bytes", 2)
        text = path.read_text(encoding="utf-8")
        data = _read_yaml(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fail(f"--service: cannot read {path}: {exc}", 2) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise fail(f"--service: {path} must hold a mapping of service facts", 2)
    return data


def user_facts(age: int | None, location: str) -> dict[str, Any]:
    return {"location": location} | ({"age": age} if age is not None else {})


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--date: {text!r} is not a date; accepted: YYYY-MM-DD", 2) from None


def market_list(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
