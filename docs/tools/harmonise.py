"""Regenerate the example outputs in docs/harmonise.md from the shipped library.

    python docs/tools/harmonise.py            # print the generated sections
    python docs/tools/harmonise.py --write    # rewrite them in docs/harmonise.md
    python docs/tools/harmonise.py --check    # exit 1 when docs/harmonise.md is stale

Each example sits between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name
-->`` markers and is the real output of the command shown above it (run through the CLI, with
the rule-base version shortened to ``<version>``, long outputs cut to the lines a reader
needs); the prose around the markers is written by hand.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

import obligate
from obligate.interfaces.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "harmonise.md"
SERVICE = "examples/social-platform.yaml"
MARKETS = "DE,FR,GB,US-CA,AU,BR"
DATE = "2026-11-25"
SECTION = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def run(*arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments))
    if result.exit_code != 0:
        raise SystemExit(f"obligate {' '.join(arguments)} failed:\n{result.output}")
    return result.output.replace(obligate.load(ROOT / "rules").version, "<version>")


def fenced(text: str, language: str = "") -> str:
    return f"```{language}\n{text.rstrip()}\n```\n"


def rows(text: str, wanted: tuple[str, ...]) -> str:
    """The header lines of a Markdown table and the rows of the wanted categories."""
    lines = text.splitlines()
    head = [line for line in lines if not line.startswith("| ") or line.startswith("| category")]
    body = [line for line in lines if line.startswith(tuple(f"| {w} |" for w in wanted))]
    table_at = next(i for i, line in enumerate(head) if line.startswith("| category"))
    return "\n".join(head[: table_at + 2] + body + head[table_at + 2 :])


def between(text: str, start: str, stop: str | None) -> str:
    """The lines from the one starting with ``start`` up to the one starting with ``stop``."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = len(lines)
    if stop is not None:
        last = next(i for i, line in enumerate(lines) if i > first and line.startswith(stop))
    return "\n".join(lines[first:last])


def compare() -> str:
    output = run(
        "compare", "--service", SERVICE, "--markets", MARKETS, "--date", DATE, "--format", "md"
    )
    wanted = ("age_assurance", "minimum_age", "parental_consent", "preservation", "takedown")
    return fenced(rows(output, wanted), "markdown")


def baseline() -> str:
    output = run("baseline", "--service", SERVICE, "--markets", MARKETS, "--date", DATE)
    parts = [
        output.splitlines()[0],
        "",
        between(output, "preservation", "privacy_by_default"),
        between(output, "transparency_reporting", "conflicts"),
        "\n".join(between(output, "conflicts", "divergence").splitlines()[:3]),
        "  ...",
    ]
    return fenced("\n".join(parts))


def divergence() -> str:
    output = run("baseline", "--service", SERVICE, "--markets", MARKETS, "--date", DATE)
    return fenced("\n".join(between(output, "divergence", None).splitlines()[:8]))


def checklist() -> str:
    output = run(
        "checklist",
        "--service",
        SERVICE,
        "--markets",
        MARKETS,
        "--launch-date",
        DATE,
        "--format",
        "md",
    )
    head = "\n".join(output.splitlines()[:4])
    item = between(output, "- [ ] **Age verification as a mitigation", "- [ ] **Age appropriate")
    coming = between(output, "## Coming within 12 months", "## Watch")
    gaps = between(output, "## What this checklist does not cover", None).splitlines()
    return fenced(
        f"{head}\n{item}\n...\n{coming}\n...\n" + "\n".join(gaps[:12]) + "\n...", "markdown"
    )


def checklist_coming() -> str:
    output = run(
        "checklist",
        "--service",
        SERVICE,
        "--markets",
        "AU",
        "--launch-date",
        "2025-11-01",
        "--format",
        "md",
    )
    lines = between(output, "- [ ] **Take reasonable steps", None).splitlines()[:5]
    return fenced("\n".join(lines), "markdown")


def diff() -> str:
    """A change that lowers a consent age, shortens a deadline, raises a penalty and renames
    a duty, on a copy of the test library, with a casebook case that moves."""
    mini = ROOT / "tests" / "fixtures" / "mini"
    markets = ROOT / "tests" / "fixtures" / "markets"
    with tempfile.TemporaryDirectory() as work:
        old, new = Path(work) / "old", Path(work) / "new"
        for target in (old, new):
            shutil.copytree(mini, target / "mini")
            shutil.copytree(markets, target / "markets", ignore=shutil.ignore_patterns("*.yaml"))
        world = new / "mini" / "world.obl"
        text = world.read_text()
        text = text.replace("digital_consent_age: 13 under", "digital_consent_age: 12 under")
        text = text.replace(
            'deadline: 1 year "after designation', 'deadline: 6 months "after designation'
        )
        text = text.replace("obligation X-BILL-MINAGE ", "obligation X-BILL-MINAGE-2 ")
        world.write_text(text)
        rules = new / "markets" / "markets.obl"
        rules.write_text(rules.read_text().replace("up to 6 percent", "up to 10 percent"))
        cases = Path(work) / "cases.yaml"
        cases.write_text(
            "cases:\n  - id: consent-xa-12\n    note: a 12-year-old in XA needs parental consent\n"
            "    source: tests/fixtures/mini/world.obl (test fixture)\n"
            "    query: {user: {age: 12, location: XA}, date: 2026-06-01}\n"
            "    want_duties: [X-CONSENT]\n"
        )
        output = CliRunner().invoke(app, ["diff", str(old), str(new), "--casebook", str(cases)])
        text = output.output.replace(work, "<tmp>")
    lines = text.splitlines()
    lines[0] = "rule base <old> -> <new>"
    return fenced("\n".join(lines))


SECTIONS: dict[str, Callable[[], str]] = {
    "compare": compare,
    "baseline": baseline,
    "divergence": divergence,
    "checklist": checklist,
    "checklist-coming": checklist_coming,
    "diff": diff,
}


def generate(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = SECTIONS[match.group("name")]()
        return match.group(1) + body + match.group(4)

    return SECTION.sub(replace, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    current = DOC.read_text(encoding="utf-8")
    fresh = generate(current)
    if options.write:
        DOC.write_text(fresh, encoding="utf-8")
    elif options.check:
        if fresh != current:
            print("docs/harmonise.md is stale: python docs/tools/harmonise.py --write")
            return 1
    else:
        sys.stdout.write(fresh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
