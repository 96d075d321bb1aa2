"""Answers where people read them (issue 13): the standing of each duty with its latest court
event, reasons as sentences from the rule's own words with the citation and rule-file line,
and open questions with their accepted values. Golden files for `query` and `explain` on the
small fixed library, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import obligate
from obligate.interfaces.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
SERVICE = FIXTURES / "markets" / "service.yaml"
GOLDEN = Path(__file__).parent / "golden" / "answers"
NO_USERS = {
    "types": ["social_media", "messaging"],
    "features": ["user_generated_content"],
    "established_in": "XO",
    "associations": [],
}

CASES = {
    # a law whose injunction was stayed on appeal: status, case and date in every format
    "query-court.md": ["query", "--age", "12", "--location", "XF-1", "--format", "md"],
    "query-court.table": ["query", "--age", "12", "--location", "XF-1", "--format", "table"],
    # the consent age reached: why not, in words, with the parameter's origin and provision
    "explain-why-not.txt": ["explain", "X-CONSENT", "--age", "13", "--location", "XA"],
    # a definition, a parameter and an exception that does not apply
    "explain-applies.txt": ["explain", "X-MINORS", "--age", "14", "--location", "XA"],
    # a pending bill
    "explain-suspended.txt": ["explain", "X-BILL-MINAGE", "--age", "12", "--location", "XF-1"],
}


def _run(arguments: list[str], service: Path) -> str:
    full = [*arguments, "--rules", str(MINI.relative_to(Path.cwd())), "--date", "2026-06-01"]
    full += ["--service", str(service.relative_to(Path.cwd()))]
    result = CliRunner().invoke(app, full)
    assert result.exit_code == 0, result.output
    version = obligate.load(MINI).version
    return result.output.replace(version, "<rulebase-version>")


@pytest.mark.parametrize("name", list(CASES))
def test_output_matches_golden(name: str, update_goldens: bool) -> None:
    output = _run(CASES[name], SERVICE)
    golden = GOLDEN / name
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_open_questions_are_asked_with_their_accepted_values(
    tmp_path: Path, update_goldens: bool
) -> None:
    service = tmp_path / "service.yaml"
    service.write_text(
        "types: [social_media, messaging]\nfeatures: [user_generated_content]\n"
        "established_in: XO\nassociations: []\n"
    )
    result = CliRunner().invoke(
        app,
        ["query", "--rules", str(MINI), "--service", str(service), "--age", "12"]
        + ["--location", "XA", "--date", "2026-06-01", "--format", "md"],
    )
    assert result.exit_code == 0, result.output
    assert (
        "- **X-RISK** Systemic risk assessment — What is the average monthly active "
        "recipients, per jurisdiction? (a number per jurisdiction code, e.g. {EU: 45000000})"
    ) in result.output
    explained = CliRunner().invoke(
        app,
        ["explain", "X-RISK", "--rules", str(MINI), "--service", str(service), "--age", "12"]
        + ["--location", "XA", "--date", "2026-06-01", "--format", "json"],
    )
    assert '"question": "What is the average monthly active recipients' in explained.output
    assert '"field": "monthly_active_users"' in explained.output


def test_the_status_is_never_left_out_of_the_human_formats() -> None:
    markdown = _run(CASES["query-court.md"], SERVICE)
    assert "injunction stayed in NetChoice v. Example (Appeals) on 2025-06-01" in markdown
    table = _run(CASES["query-court.table"], SERVICE)  # the status column wraps
    assert "injunction stayed in" in table
    assert "NetChoice v. Example (Appeals) on 2025-06-01" in table


def test_an_open_duty_says_what_is_not_given_and_asks_for_it(tmp_path: Path) -> None:
    service = tmp_path / "service.yaml"
    service.write_text("types: [social_media]\nfeatures: [user_generated_content]\n")
    result = CliRunner().invoke(
        app,
        ["explain", "X-KIDS-AGE", "--rules", str(MINI), "--service", str(service), "--age", "12"]
        + ["--location", "XF-1", "--date", "2026-06-01"],
    )
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines[0] == "X-KIDS-AGE: conditional"
    assert (
        "- not given: children are likely to access the service "
        "(service.likely_accessed_by_children)"
    ) in lines
    assert (
        "- open question: Is it true that children are likely to access the service? "
        "(true or false)"
    ) in lines
