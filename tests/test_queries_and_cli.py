"""Bad queries get one clear error per field; the CLI maps them to exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import obligate
from obligate import QueryError, RuleBase
from obligate.interfaces.cli import app

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return obligate.load(MINI, use_cache=False)


@pytest.mark.parametrize(
    ("service", "user", "date", "field", "words"),
    [
        ({}, {"location": "XQ", "age": 10}, "2026-01-01", "user.location", "unknown jurisdiction"),
        ({}, {"location": "XA", "age": -1}, "2026-01-01", "user.age", "0 to 130"),
        ({}, {"location": "XA", "age": 131}, "2026-01-01", "user.age", "0 to 130"),
        ({}, {"location": "XA", "age": "ten"}, "2026-01-01", "user.age", "integer"),
        ({}, {"location": "XA"}, "2026-13-01", "date", "YYYY-MM-DD"),
        ({}, {"location": "XA"}, "01/06/2026", "date", "YYYY-MM-DD"),
        (
            {"types": ["socialmedia"]},
            {"location": "XA"},
            "2026-01-01",
            "service.types",
            "social_media",
        ),
        (
            {"features": ["livestream"]},
            {"location": "XA"},
            "2026-01-01",
            "service.features",
            "did you mean `livestreaming`",
        ),
        (
            {"monthly_active_users": {"XU": -5}},
            {"location": "XA"},
            "2026-01-01",
            "service.monthly_active_users.XU",
            "negative",
        ),
        (
            {"employes": 5},
            {"location": "XA"},
            "2026-01-01",
            "service.employes",
            "did you mean `employees`",
        ),
        (
            {"established_in": "XZ"},
            {"location": "XA"},
            "2026-01-01",
            "service.established_in",
            "unknown jurisdiction",
        ),
    ],
)
def test_bad_query_names_the_field_the_value_and_what_is_accepted(
    mini: RuleBase, service: dict[str, Any], user: dict[str, Any], date: str, field: str, words: str
) -> None:
    with pytest.raises(QueryError) as caught:
        mini.determine(service, user, date)
    errors = {e.field: str(e) for e in caught.value.errors}
    assert field in errors
    assert words in errors[field]


def test_several_bad_fields_are_all_reported(mini: RuleBase) -> None:
    with pytest.raises(QueryError) as caught:
        mini.determine({"features": ["livestream"]}, {"location": "XQ", "age": -3}, "2026-02-30")
    assert sorted(e.field for e in caught.value.errors) == [
        "date",
        "service.features",
        "user.age",
        "user.location",
    ]


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_cli_query_json_is_the_contract() -> None:
    result = run(
        "query",
        "--rules",
        str(MINI),
        "--location",
        "XA",
        "--age",
        "12",
        "--date",
        "2026-06-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert [d["id"] for d in answer["duties"]] == ["X-CONSENT"]
    assert answer["parameters"]["digital_consent_age"] == {"value": 13, "from": "XA"}


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_cli_query_renders_for_people(fmt: str) -> None:
    result = run(
        "query",
        "--rules",
        str(MINI),
        "--location",
        "XA",
        "--age",
        "12",
        "--date",
        "2026-06-01",
        "--format",
        fmt,
    )
    assert result.exit_code == 0, result.output
    assert "X-CONSENT" in result.output and "X-DATA Art. 8(1)" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--location", "XQ", "--date", "2026-06-01"],
        ["--location", "XA", "--date", "2026-06-31"],
        ["--location", "XA", "--date", "2026-06-01", "--age", "-4"],
        ["--location", "XA", "--date", "2026-06-01", "--format", "xml"],
    ],
)
def test_cli_bad_query_exits_2_without_traceback(args: list[str]) -> None:
    result = run("query", "--rules", str(MINI), *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_explain_says_why_not() -> None:
    result = run(
        "explain",
        "X-CONSENT",
        "--rules",
        str(MINI),
        "--location",
        "XA",
        "--age",
        "13",
        "--date",
        "2026-06-01",
    )
    assert result.exit_code == 0, result.output
    assert "does not apply" in result.output
    # in words, the parameter with the place that sets it and its provision (issue 13, 2)
    assert (
        "the user's age in whole years is 13, at least digital_consent_age 13 (age below which"
        " a parent must consent to processing on the basis of consent), set by XA under X-DATA"
        " Art. 8" in result.output
    )
    assert "X-DATA Art. 8(1) <https://example.org/data> · tests/fixtures/mini/world.obl:61" in (
        result.output
    )


def test_cli_explain_unknown_duty_suggests_a_name() -> None:
    result = run(
        "explain", "X-CONSENTS", "--rules", str(MINI), "--location", "XA", "--date", "2026-06-01"
    )
    assert result.exit_code == 2
    assert "did you mean `X-CONSENT`" in result.output


@pytest.mark.parametrize(
    ("fmt", "needle"),
    [("dot", '"XA" -> "XU" [label="member_of"]'), ("mermaid", "XA -->|member_of| XU")],
)
def test_cli_graph_exports(fmt: str, needle: str) -> None:
    result = run("graph", "--rules", str(MINI), "--format", fmt)
    assert result.exit_code == 0
    assert needle in result.output


def test_cli_check_json_gives_diagnostics_as_data() -> None:
    bad = Path("tests/diagnostics/bad/unknown_feature.obl")
    result = run("check", "--format", "json", str(bad))
    assert result.exit_code == 1
    [diagnostic] = json.loads(result.output)
    assert diagnostic == {
        "code": "E104",
        "severity": "error",
        "message": "unknown feature `livestream`",
        "file": str(bad),
        "line": 15,
        "col": 21,
        "hint": "did you mean `livestreaming`?",
    }


def test_cli_test_reports_a_summary_line(tmp_path: Path) -> None:
    case = tmp_path / "cases.yaml"
    case.write_text("""cases:
  - id: passes
    note: a 12-year-old in XA needs parental consent
    source: tests/fixtures/mini/world.obl (test fixture)
    query: {user: {age: 12, location: XA}, date: 2026-06-01}
    want_duties: [X-CONSENT]
  - id: fails
    note: a deliberately wrong expectation
    source: tests/fixtures/mini/world.obl (test fixture)
    query: {user: {age: 13, location: XA}, date: 2026-06-01}
    want_duties: [X-CONSENT]
""")
    result = run("test", "--rules", str(MINI), str(case), "--coverage")
    assert result.exit_code == 1
    assert result.output.rstrip().endswith("1 passed, 1 failed")
    assert "X-CONSENT should be in `duties` but it is in no list" in result.output
    assert "coverage: 1 of 12 duties exercised by a case" in result.output


def test_cli_test_rejects_a_misspelt_case_key(tmp_path: Path) -> None:
    case = tmp_path / "cases.yaml"
    case.write_text(
        "cases:\n  - id: x\n    note: n\n    source: s\n"
        "    query: {user: {location: XA}, date: 2026-06-01}\n"
        "    want_dutie: [X-CONSENT]\n"
    )
    result = run("test", "--rules", str(MINI), str(case))
    assert result.exit_code == 1
    assert "want_dutie" in result.output
