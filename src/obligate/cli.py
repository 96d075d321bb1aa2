"""The command line: thin wiring of flags to the Python API and the report renderers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from obligate.compiler import compile_paths
from obligate.diagnostics import RuleFileError, render_all

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Which child-online-protection duties apply, where, from when, and why.")


@app.callback()
def _root() -> None:
    """obligate: child-online-protection duties as rule files, answered with citations."""


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="rule files or folders")],
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    no_cache: Annotated[bool, typer.Option("--no-cache", help="compile from scratch")] = False,
) -> None:
    """Compile rule files and report every problem: exit 1 on errors, 0 when clean."""
    try:
        compiled = compile_paths(paths, use_cache=not no_cache)
    except RuleFileError as error:
        _print_diagnostics(error.diagnostics, error.sources, output)
        raise typer.Exit(1) from None
    _print_diagnostics(compiled.warnings, compiled.sources, output)
    if output == "text":
        library = compiled.library
        typer.echo(f"ok: {len(library.duties)} duties, {len(library.definitions)} definitions, "
                   f"{len(library.instruments)} instruments, {len(library.jurisdictions)} "
                   f"jurisdictions; {len(compiled.warnings)} warnings")


def _print_diagnostics(diagnostics: list, sources: dict[str, str], output: str) -> None:  # type: ignore[type-arg]
    if output == "json":
        typer.echo(json.dumps([d.to_dict() for d in diagnostics], indent=2))
    elif diagnostics:
        typer.echo(render_all(diagnostics, sources))


def main() -> None:
    app()
