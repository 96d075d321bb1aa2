"""The command line: thin wiring of flags to the Python API and the report renderers.

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from obligate import casebook, report
from obligate.api import RuleBase, load
from obligate.diagnostics import Diagnostic, RuleFileError, render_all
from obligate.query import QueryError

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
    from obligate.compiler import compile_paths

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
    output: Annotated[str, typer.Option("--format", help="dot or mermaid")] = "dot",
) -> None:
    """The jurisdiction graph (member_of, part_of, party_to) as DOT or Mermaid."""
    rulebase = _load(rules)
    if output == "dot":
        typer.echo(rulebase.graph.to_dot(), nl=False)
    elif output == "mermaid":
        typer.echo(rulebase.graph.to_mermaid(), nl=False)
    else:
        raise _fail(f"--format: unknown format {output!r}; accepted: dot, mermaid", 2)


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


def main() -> None:
    app()
