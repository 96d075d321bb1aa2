"""Commands for the people who write and review rule files: lay them out (`fmt`), serve an
editor (`lsp`), and read a duty aloud (`explain-rule`)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from obligate.interfaces.cli.app import RulesOption, fail, load_rules
from obligate.language.diagnostics import Diagnostics, did_you_mean, render_all


def fmt(
    paths: Annotated[list[Path], typer.Argument(help="rule files or folders")],
    check: Annotated[
        bool, typer.Option("--check", help="change nothing; exit 1 when a file would change")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="print the changes as a unified diff; change nothing")
    ] = False,
) -> None:
    """Lay rule files out canonically (comments and notes kept byte for byte).

    A file that does not parse is left as it is and its problems are printed. Exit 1 when a
    file does not parse, or, with --check, when a file would change.
    """
    from obligate.language.compiler import discover
    from obligate.language.format import format_text
    from obligate.language.syntax import decode

    changed, broken, total = 0, 0, 0
    for path, _key in discover(paths):
        total += 1
        data = path.read_bytes()
        diagnostics = Diagnostics()
        text = decode(str(path), data, diagnostics)
        if text is None:
            typer.echo(render_all(diagnostics, {}), err=True)
            broken += 1
            continue
        result = format_text(text, str(path))
        if not result.parsed:
            typer.echo(render_all(result.diagnostics, {str(path): text}), err=True)
            broken += 1
            continue
        if result.text.encode("utf-8") == data:
            continue
        changed += 1
        if diff:
            typer.echo(_unified(path, text, result.text), nl=False)
        if check:
            typer.echo(f"would reformat {path}", err=True)
        elif not diff:
            path.write_text(result.text, encoding="utf-8")
    verb = "would be reformatted" if check or diff else "reformatted"
    typer.echo(f"{changed} of {total} files {verb}; {broken} not parsed", err=True)
    if broken or (check and changed):
        raise typer.Exit(1)


def _unified(path: Path, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path} (before)",
        tofile=f"{path} (formatted)",
    )
    return "".join(lines)


def lsp() -> None:
    """Start the language server on stdin and stdout (for an editor's LSP client)."""
    from obligate.interfaces.lsp import serve

    serve()


def explain_rule(
    duty: Annotated[str, typer.Argument(metavar="DUTY-ID", help="the duty's id")],
    rules: RulesOption = [Path("rules")],  # noqa: B006 - typer reads the default
) -> None:
    """A duty as one plain-language sentence: who must do what, for whom, where, from when,
    unless what, and the provision it rests on."""
    from obligate.reports.rule_sentence import explain_rule as sentence

    library = load_rules(rules).compiled.library
    if duty not in library.duties:
        hint = did_you_mean(duty, library.duties)
        raise fail(f"unknown duty {duty!r}" + (f"; {hint}" if hint else ""), 2)
    typer.echo(sentence(library, duty))
