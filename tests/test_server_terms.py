"""GET /v1/terms and /v1/terms/{term} on a real `obligate serve` (loopback): the same glossary
as the Python API, with the rule-base version, and bad input in the one error envelope."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import obligate
from serving import ROOT, Server

FIXTURE = ROOT / "tests" / "fixtures" / "terms"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with Server("--no-decision-log", rules=FIXTURE) as running, running.client() as http:
        yield http


def test_terms_agree_with_the_python_api(client: httpx.Client) -> None:
    rulebase = obligate.load(FIXTURE, use_cache=False)
    response = client.get("/v1/terms", params={"markets": "XU,XA,XF", "date": "2026-06-01"})
    assert response.status_code == 200, response.text
    expected = rulebase.glossary(None, ["XU", "XA", "XF"], "2026-06-01").to_dict()
    body = response.json()
    assert body.pop("rulebase")["version"] == rulebase.version
    assert body == expected
    assert response.headers["x-obligate-rulebase"] == rulebase.version


def test_one_term(client: httpx.Client) -> None:
    body = client.get("/v1/terms/child", params={"markets": "XA", "date": "2026-06-01"}).json()
    assert [t["term"] for t in body["terms"]] == ["child"]
    words = [d["word"] for d in body["terms"][0]["markets"][0]["definitions"]]
    assert words == ["Kind", "child"]


def test_an_unknown_term_is_404_with_a_did_you_mean(client: httpx.Client) -> None:
    response = client.get("/v1/terms/chld")
    assert response.status_code == 404
    field = response.json()["error"]["fields"][0]
    assert field["field"] == "term" and field["value"] == "chld"
    assert field["hint"] == "did you mean `child`?"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"markets": "XU,XQ"}, "markets"), ({"markets": "XU", "date": "2026-02-30"}, "date")],
)
def test_bad_markets_and_dates_are_422_naming_the_field(
    client: httpx.Client, params: dict[str, str], field: str
) -> None:
    response = client.get("/v1/terms", params=params)
    assert response.status_code == 422, response.text
    assert field in {f["field"] for f in response.json()["error"]["fields"]}
