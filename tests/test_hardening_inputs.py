"""Careless and hostile input to the Python API and the CLI (issue 18, points 4, 10, 13, 14):
strict types at the edges, numbers the engine cannot hold, dates that are not calendar dates,
and a YAML service file that would blow up once loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import obligate
from obligate.determination.query import check_horizon
from obligate.interfaces.cli import app
from serving import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"
USER = {"age": 13, "location": "XA"}


@pytest.fixture(scope="module")
def mini() -> obligate.RuleBase:
    return obligate.load(MINI)


def fields_of(error: obligate.QueryError) -> list[str]:
    return [e.field for e in error.errors]


@pytest.mark.parametrize(
    ("service", "user", "field"),
    [
        ({"monthly_active_users": {"XU": 10**400}}, USER, "service.monthly_active_users.XU"),
        ({"annual_turnover_eur": float("inf")}, USER, "service.annual_turnover_eur"),
        ({"annual_turnover_eur": 1e300}, USER, "service.annual_turnover_eur"),
        ({"employees": 2**63}, USER, "service.employees"),
        ({"employees": True}, USER, "service.employees"),
        ({"directed_at_children": "yes"}, USER, "service.directed_at_children"),
        ({"established_in": 7}, USER, "service.established_in"),
        ({"features": ["x"] * 1000}, USER, "service.features"),
        ({}, {"age": False, "location": "XA"}, "user.age"),
        ({}, {"age": "15", "location": "XA"}, "user.age"),
        ({}, {"age": 15.5, "location": "XA"}, "user.age"),
        ({"annual_turnover_eur": 0.00001}, USER, "service.annual_turnover_eur"),
        ({}, {"age": 13, "location": "X" * 10_000}, "user.location"),
    ],
)
def test_a_query_error_names_the_field(
    mini: obligate.RuleBase, service: dict[str, Any], user: dict[str, Any], field: str
) -> None:
    with pytest.raises(obligate.QueryError) as caught:
        mini.determine(service, user, "2026-06-01")
    assert fields_of(caught.value) == [field]


@pytest.mark.parametrize(
    "date", [dt.datetime(2026, 6, 1, 12, 0), "2026-W23-1", "2026-06-01T00:00", 20260601, None]
)
def test_only_a_calendar_date_is_a_date(mini: obligate.RuleBase, date: Any) -> None:
    with pytest.raises(obligate.QueryError) as caught:
        mini.determine({}, USER, date)
    assert fields_of(caught.value) == ["date"]


@pytest.mark.parametrize("days", ["7", None, -1, 3651, 7.5, True])
def test_a_horizon_is_a_whole_number_of_days(days: Any) -> None:
    with pytest.raises(obligate.QueryError) as caught:
        check_horizon(days)
    assert fields_of(caught.value) == ["horizon_days"]
    assert check_horizon(365) == 365


@pytest.mark.parametrize("days", ["7", None, -1, 7.5])
def test_the_python_api_refuses_a_horizon_that_is_not_whole_days(
    mini: obligate.RuleBase, days: Any
) -> None:
    with pytest.raises(obligate.QueryError) as caught:
        mini.determine({}, USER, "2026-06-01", horizon_days=days)
    assert fields_of(caught.value) == ["horizon_days"]


def test_a_whole_turnover_with_an_exponent_reaches_the_engine(mini: obligate.RuleBase) -> None:
    answer = mini.determine({"annual_turnover_eur": 1e17}, USER, "2026-06-01")
    assert answer.query["service"]["annual_turnover_eur"] == 10**17


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "aliases"),
        ("types: " + "[" * 5000 + "]" * 5000 + "\n", "levels"),
    ],
    ids=["alias-bomb", "deep-nesting"],
)
def test_a_service_file_is_bounded(tmp_path: Path, text: str, message: str) -> None:
    service = tmp_path / "service.yaml"
    service.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "query",
            "--rules",
            str(MINI),
            "--service",
            str(service),
            "--age",
            "13",
            "--location",
            "XA",
            "--date",
            "2026-06-01",
        ],
    )
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_rendered_answers_keep_to_a_byte_budget(mini: obligate.RuleBase) -> None:
    from obligate.interfaces.server.render import determination_json
    from obligate.interfaces.server.routes.answers import RenderedAnswers

    answers = [
        mini.determine({}, {"age": age, "location": "XA"}, "2026-06-01") for age in range(10)
    ]
    one = len(determination_json(answers[0]))
    rendered = RenderedAnswers(size=1000, max_bytes=3 * one + 10)
    for answer in answers:
        rendered.text(answer)
    assert rendered.bytes <= 3 * one + 10
    assert 1 <= len(rendered._texts) <= 3


def test_a_rate_limiter_refills_at_its_rate() -> None:
    from obligate.interfaces.server.limits import RateLimiter

    limiter = RateLimiter(rate=2.0, size=2.0)
    assert limiter.wait_seconds("a", now=0.0) == 0
    assert limiter.wait_seconds("a", now=0.0) == 0
    assert limiter.wait_seconds("a", now=0.0) == pytest.approx(0.5)
    assert limiter.wait_seconds("b", now=0.0) == 0  # each address has its own bucket
    assert limiter.wait_seconds("a", now=0.5) == 0


def test_a_token_is_compared_whole() -> None:
    from obligate.interfaces.server.auth import Access

    access = Access("s3cret-token-0123456789")
    assert access.allows("Bearer s3cret-token-0123456789")
    assert access.allows("bearer s3cret-token-0123456789")
    for wrong in (None, "", "Bearer", "Bearer s3cret", "Basic s3cret-token-0123456789"):
        assert not access.allows(wrong)
    assert access.needs_token("/v1/log") and not access.needs_token("/v1/determine")
    assert Access("x" * 20, "api").needs_token("/v1/determine")
