"""Every table the CLI prints fits the terminal (issue 14, point 4): `query`, `glossary` and
`compare` laid out at 80, 100, 120 and 200 columns (COLUMNS, as a terminal sets it) keep each
line within the width, never split a word or an id, and say everything their widest layout
says: narrower columns where the words fit side by side, else one "label: value" block per row.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from obligate.interfaces.cli import app
from obligate.reports.answer import DUTY_COLUMNS, OTHER_COLUMNS
from obligate.reports.glossary import _COLUMNS as GLOSSARY_COLUMNS

WIDTHS = [80, 100, 120, 200]
WIDEST = 1000  # wide enough that no table wraps a word or stacks its rows
SERVICE = ["--service", "examples/social-platform.yaml"]
MARKETS = ["DE", "FR", "GB", "US-CA", "AU", "BR"]
COMMANDS = {
    "query": ["query", *SERVICE, "--age", "15", "--location", "DE", "--date", "2026-06-01"],
    "glossary": ["glossary", "--date", "2026-06-01"],
    "compare": ["compare", *SERVICE, "--markets", ",".join(MARKETS), "--date", "2026-11-25"],
}
HEADERS = {
    "query": [*DUTY_COLUMNS, *OTHER_COLUMNS],
    "glossary": [name for name, _ in GLOSSARY_COLUMNS],
    "compare": ["category", *MARKETS],
}
_BOX = re.compile("[\u2500-\u257f]")  # the box-drawing characters of a table's edges and rules


def _run(arguments: list[str], env: dict[str, str | None] | None = None) -> str:
    shown = CliRunner().invoke(app, arguments, env=env)
    assert shown.exit_code == 0, shown.output
    return shown.output


def _words(text: str) -> set[str]:
    # a run of dashes is the glossary's rule under its header
    return {word for word in _BOX.sub(" ", text).split() if word.strip("-")}


@pytest.fixture(scope="module")
def widest() -> dict[str, str]:
    return {
        name: _run([*arguments, "--width", str(WIDEST)]) for name, arguments in COMMANDS.items()
    }


def _named(name: str) -> set[str]:
    """What must appear whole at any width: the duty ids, the terms, the markets."""
    if name == "query":
        answer = json.loads(_run([*COMMANDS["query"], "--format", "json"]))
        sections = ("duties", "conditional", "suspended", "upcoming", "displaced")
        return {duty["id"] for section in sections for duty in answer.get(section, [])}
    if name == "glossary":
        glossary = json.loads(_run([*COMMANDS["glossary"], "--format", "json"]))
        return {term["term"] for term in glossary["terms"]}
    return set(MARKETS)


@pytest.mark.parametrize("width", [*WIDTHS, None])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_table_fits_the_terminal_and_keeps_every_word_whole(
    name: str, width: int | None, widest: dict[str, str]
) -> None:
    if width is None:  # a file or a pipe: the table's own width, words whole all the same
        shown = _run(COMMANDS[name], env={"COLUMNS": None})
    else:
        shown = _run(COMMANDS[name], env={"COLUMNS": str(width)})
        assert max(len(line) for line in shown.splitlines()) <= width
    words, everything = _words(shown), _words(widest[name])
    headers = {word for header in HEADERS[name] for word in header.split()}
    labels = {word for header in HEADERS[name] for word in f"{header}:".split()}
    # a piece of a folded word would be a word the widest layout does not have
    assert words - everything - labels == set()
    # the first column's header and an empty column's are not repeated in a record
    assert everything - words - headers == set()
    assert _named(name) <= words | {word.removesuffix(":") for word in words}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_width_option_outranks_the_terminal(name: str) -> None:
    asked = _run([*COMMANDS[name], "--width", "90"], env={"COLUMNS": "200"})
    assert asked == _run(COMMANDS[name], env={"COLUMNS": "90"})


def test_a_table_written_to_a_file_keeps_its_own_width(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "compare.txt"
    _run([*COMMANDS["compare"], "--out", str(out)], env={"COLUMNS": "80"})
    assert out.read_text(encoding="utf-8") == _run(COMMANDS["compare"], env={"COLUMNS": "200"})
