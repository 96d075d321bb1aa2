"""Commands for rule authors: compile and check rule files, run the casebook, draw the
jurisdiction graph."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from obligate.interfaces.cli.app import RulesOption, fail, load_rules, parse_day
from obligate.interfaces.cli.choices import GraphFormat, TextFormat
from obligate.language.diagnostics import Diagnostic, RuleFileError, did_you_mean, render_all


def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="rule files or folders; none (or @shipped): the shipped library"),
    ] = None,
    output: Annotated[
        TextFormat, typer.Option("--format", help="how to print the problems")
    ] = TextFormat.text,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="compile from scratch")] = False,
) -> None:
    """Compile rule files and report every problem: exit 1 on errors, 0 when clean."""
    from obligate.language.compiler import compile_paths
    from obligate.language.release import expand

    try:
        compiled = compile_paths(expand(paths or []), use_cache=not no_cache)
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


def graph(
    rules: RulesOption = [],  # noqa: B006 - typer reads the default; none: the shipped library
    output: Annotated[
        GraphFormat, typer.Option("--format", help="DOT or Mermaid text, or a picture")
    ] = GraphFormat.dot,
    colour_by: Annotated[
        str | None, typer.Option("--colour-by", help="a parameter, e.g. digital_consent_age")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (for --colour-by)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file")] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="only this jurisdiction and the places its law reaches"),
    ] = None,
    around: Annotated[
        str | None,
        typer.Option("--around", help="only what reaches this market, and the places in it"),
    ] = None,
    legend: Annotated[bool, typer.Option("--legend/--no-legend", help="draw a legend")] = True,
) -> None:
    """The jurisdiction graph (member_of, part_of, party_to) as text or a picture."""
    from obligate.reports import picture

    rulebase = load_rules(rules)
    if colour_by is not None and colour_by not in rulebase.compiled.library.parameters:
        known = ", ".join(sorted(rulebase.compiled.library.parameters))
        raise fail(f"--colour-by: unknown parameter {colour_by!r}; accepted: {known}", 2)
    for option, code in (("--region", region), ("--around", around)):
        if code is not None and code not in rulebase.jurisdictions:
            hint = did_you_mean(code, rulebase.jurisdictions)
            raise fail(
                f"{option}: unknown jurisdiction {code!r}" + (f"; {hint}" if hint else ""), 2
            )
    day = parse_day(date) if date else dt.date.today()
    if output == "mermaid":
        data: bytes = rulebase.graph.to_mermaid().encode()
    else:
        text = picture.dot(rulebase, colour_by, day, region, around, legend)
        try:
            data = text.encode() if output == "dot" else picture.render(text, output)
        except picture.PictureError as error:
            raise fail(f"graph: {error}", 1) from None
    if out is not None:
        out.write_bytes(data)
    elif output == "png":
        raise fail("--format png writes binary data: give --out FILE", 2)
    else:
        typer.echo(data.decode(), nl=False)


def test_cases(
    paths: Annotated[list[Path], typer.Argument(help="casebook files or folders")],
    rules: RulesOption = [],  # noqa: B006
    coverage: Annotated[
        bool, typer.Option("--coverage", help="list duties no case exercises")
    ] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="one line per case")] = False,
) -> None:
    """Run casebook cases: pytest-like output and a closing `N passed, N failed` line."""
    from obligate.determination import casebook

    rulebase = load_rules(rules)
    try:
        cases = casebook.load_cases(paths)
    except casebook.CasebookError as error:
        raise fail(f"casebook error:\n{error}", 1) from None
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
