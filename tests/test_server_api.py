"""The HTTP API, against a real `obligate serve` on 127.0.0.1: answers agree with the Python
API, every answer carries the rule-base version, every error is the one envelope naming the
field, and every answered determination is in the decision log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from obligate import RuleBase
from obligate.harmonise import harmonize
from obligate.interfaces import decision_log as dl
from serving import ROOT, Server, post_at_once, postgres_dsn

PLATFORM = yaml.safe_load((ROOT / "examples" / "social-platform.yaml").read_text())
TEEN_IN_DE = {"service": PLATFORM, "user": {"age": 15, "location": "DE"}, "date": "2026-06-01"}


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "decisions.sqlite3"


@pytest.fixture(scope="module")
def server(log_path: Path) -> Iterator[Server]:
    with Server("--decision-log", str(log_path)) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def test_determine_agrees_with_the_python_api(client: httpx.Client, rulebase: RuleBase) -> None:
    for body in (
        TEEN_IN_DE,
        {"service": PLATFORM, "user": {"age": 12, "location": "US-CA"}, "date": "2026-06-01"},
        {"service": {"types": ["game"]}, "user": {"location": "GB"}, "date": "2025-01-01"},
        {"user": {"age": 17, "location": "AU"}, "date": "2026-06-01", "horizon_days": 30},
    ):
        response = client.post("/v1/determine", json=body)
        assert response.status_code == 200, response.text
        expected = rulebase.determine(
            body.get("service"), body["user"], body["date"], body.get("horizon_days", 365)
        )
        assert response.json() == expected.to_dict()


def test_a_teen_in_germany_gets_dsa_28_and_gdpr_consent(client: httpx.Client) -> None:
    answer = client.post("/v1/determine", json=TEEN_IN_DE).json()
    duties = {d["id"]: d for d in answer["duties"]}
    for duty_id, provision in (
        ("EU-DSA-28-1", "Art. 28(1)"),
        ("EU-DSA-28-2", "Art. 28(2)"),
        ("EU-GDPR-8-1", "Art. 8(1)"),
    ):
        assert duties[duty_id]["citation"]["provision"] == provision
        assert duties[duty_id]["citation"]["url"].startswith("https://")
    assert answer["parameters"]["digital_consent_age"] == {"value": 16, "from": "EU"}


def test_explain_agrees_with_the_python_api(client: httpx.Client, rulebase: RuleBase) -> None:
    response = client.post("/v1/explain", json={"duty": "EU-DSA-28-2", **TEEN_IN_DE})
    assert response.status_code == 200, response.text
    expected = rulebase.explain("EU-DSA-28-2", PLATFORM, TEEN_IN_DE["user"], "2026-06-01")
    assert response.json() == {
        **json.loads(expected.to_json()),
        "rulebase": {"version": rulebase.version, "rules": len(rulebase.duties)},
    }


def test_compare_and_checklist_agree_with_harmonize(
    client: httpx.Client, rulebase: RuleBase
) -> None:
    body = {"service": PLATFORM, "markets": ["DE", "GB"], "date": "2026-06-01", "ages": "13-17"}
    response = client.post("/v1/compare", json=body)
    assert response.status_code == 200, response.text
    expected = harmonize.compare(rulebase, PLATFORM, ["DE", "GB"], "2026-06-01", "13-17")
    assert response.json() == json.loads(expected.model_dump_json())

    body = {"service": PLATFORM, "markets": ["DE", "GB"], "launch_date": "2026-06-01"}
    response = client.post("/v1/checklist", json=body)
    assert response.status_code == 200, response.text
    expected_list = harmonize.checklist(rulebase, PLATFORM, ["DE", "GB"], "2026-06-01")
    assert response.json() == json.loads(expected_list.model_dump_json())


def test_lookups(client: httpx.Client, rulebase: RuleBase) -> None:
    places = client.get("/v1/jurisdictions").json()["jurisdictions"]
    assert {p["code"] for p in places} == set(rulebase.jurisdictions)

    germany = client.get("/v1/jurisdictions/DE", params={"date": "2026-06-01"}).json()
    assert germany["name"] == "Germany"
    assert germany["reach"] == list(rulebase.graph.reach("DE"))
    assert {"child": "DE", "parent": "EU", "kind": "member_of"} in germany["edges"]
    assert {p["name"]: p["value"] for p in germany["parameters"]}["digital_consent_age"] == 16

    eu = client.get("/v1/jurisdictions/EU").json()
    assert "EU-DSA-28-1" in {d["id"] for d in eu["duties"]}

    duty = client.get("/v1/duties/EU-DSA-28-2").json()
    assert duty["citation"]["provision"] == "Art. 28(2)"
    assert duty["modality"] == "prohibition"
    assert duty["source"].startswith("rules/eu/")
    assert "user.age" in (duty["when"] or "")

    info = client.get("/v1/rulebase").json()
    assert info["version"] == rulebase.version
    assert info["counts"]["duties"] == len(rulebase.duties)
    assert info["load_seconds"] > 0
    assert info["watching"] is False and info["last_reload"] is None

    words = client.get("/v1/vocabulary").json()
    assert "social_media" in {t["name"] for t in words["types"]}
    assert "livestreaming" in {f["name"] for f in words["features"]}

    assert client.get("/healthz").json()["decision_log"] == "ok"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/determine", TEEN_IN_DE),
        ("POST", "/v1/explain", {"duty": "EU-DSA-28-1", **TEEN_IN_DE}),
        ("GET", "/v1/jurisdictions", None),
        ("GET", "/v1/jurisdictions/DE", None),
        ("GET", "/v1/duties/EU-DSA-28-1", None),
        ("GET", "/v1/rulebase", None),
        ("GET", "/v1/vocabulary", None),
        ("GET", "/healthz", None),
        ("GET", "/v1/duties/NOPE", None),
        ("POST", "/v1/determine", {"user": {}}),
        ("GET", "/nowhere", None),
    ],
)
def test_every_answer_carries_the_rulebase_version(
    client: httpx.Client, rulebase: RuleBase, method: str, path: str, body: Any
) -> None:
    response = client.request(method, path, json=body)
    assert response.headers["x-obligate-rulebase"] == rulebase.version
    data = response.json()
    version = data.get("rulebase", {}).get("version") or data.get("version")
    assert version == rulebase.version


def _error(response: httpx.Response) -> dict[str, Any]:
    error = response.json()["error"]
    assert set(error) == {"code", "status", "message", "fields"}
    assert error["status"] == response.status_code
    return dict(error)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field", "words"),
    [
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "user": {"age": 15, "location": "DX"}},
            422,
            "unknown_jurisdiction",
            "user.location",
            "unknown jurisdiction",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "user": {"age": -3, "location": "DE"}},
            422,
            "invalid_query",
            "user.age",
            "out of range",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "user": {"age": "teen", "location": "DE"}},
            422,
            "invalid_query",
            "user.age",
            "valid integer",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "date": "01/06/2026"},
            422,
            "invalid_query",
            "date",
            "not a date",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "date": 20260601},
            422,
            "invalid_query",
            "date",
            "valid string",
        ),
        (
            "POST",
            "/v1/determine",
            {"user": {"location": "DE"}},
            422,
            "invalid_query",
            "date",
            "required",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "colour": "blue"},
            422,
            "invalid_query",
            "colour",
            "unknown field",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "user": {"location": "DE", "gender": "f"}},
            422,
            "invalid_query",
            "user.gender",
            "unknown field",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "service": {"features": ["livestream"]}},
            422,
            "invalid_query",
            "service.features",
            "unknown value",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "service": {"employes": 5}},
            422,
            "invalid_query",
            "service.employes",
            "unknown service fact",
        ),
        (
            "POST",
            "/v1/determine",
            {**TEEN_IN_DE, "horizon_days": -1},
            422,
            "invalid_query",
            "horizon_days",
            "greater than or equal",
        ),
        ("POST", "/v1/determine", [1, 2, 3], 422, "invalid_body", "body", "JSON object"),
        (
            "POST",
            "/v1/explain",
            {"duty": "EU-DSA-28", **TEEN_IN_DE},
            422,
            "unknown_duty",
            "duty",
            "unknown duty",
        ),
        (
            "POST",
            "/v1/compare",
            {"markets": ["DE", "XX"], "date": "2026-06-01"},
            422,
            "unknown_jurisdiction",
            "markets",
            "unknown jurisdiction",
        ),
        (
            "POST",
            "/v1/compare",
            {"markets": [], "date": "2026-06-01"},
            422,
            "invalid_query",
            "markets",
            "at least 1",
        ),
        (
            "POST",
            "/v1/compare",
            {"markets": ["DE"], "date": "2026-06-01", "ages": "old"},
            422,
            "invalid_query",
            "ages",
            "not an age range",
        ),
        (
            "POST",
            "/v1/checklist",
            {"markets": ["DE"], "launch_date": "soon"},
            422,
            "invalid_query",
            "launch_date",
            "not a date",
        ),
        ("GET", "/v1/duties/EU-DSA-28-9", None, 404, "not_found", "id", "no duty"),
        ("GET", "/v1/jurisdictions/XX", None, 404, "not_found", "code", "no jurisdiction"),
        (
            "GET",
            "/v1/jurisdictions/DE?date=tomorrow",
            None,
            422,
            "invalid_query",
            "date",
            "not a date",
        ),
    ],
)
def test_errors_name_the_field(
    client: httpx.Client,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
    field: str,
    words: str,
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == status, response.text
    error = _error(response)
    assert error["code"] == code
    fields = {f["field"]: f for f in error["fields"]}
    assert field in fields, error
    assert words in fields[field]["message"] + " " + str(fields[field].get("accepted")), error


def test_an_unknown_key_lists_the_keys_accepted(client: httpx.Client) -> None:
    error = _error(client.post("/v1/determine", json={**TEEN_IN_DE, "colour": "blue"}))
    assert error["fields"][0]["accepted"] == "service, user, date, horizon_days"


def test_a_did_you_mean_for_a_near_miss(client: httpx.Client) -> None:
    error = _error(client.get("/v1/duties/EU-DSA-28-9"))
    assert "EU-DSA-28-1" in error["fields"][0]["hint"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"pad": "' + b"x" * 1_100_000 + b'"}', "application/json", 413, "payload_too_large"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "invalid_body"),
        (b'{"user": ' * 300 + b"1" + b"}" * 300, "application/json", 422, "invalid_body"),
        (b"{'user': nope", "application/json", 422, "invalid_body"),
        (b'{"a": NaN}', "application/json", 422, "invalid_body"),
        (b"\xff\xfe\x00garbage", "application/json", 422, "invalid_body"),
        (json.dumps(TEEN_IN_DE).encode(), "text/plain", 422, "invalid_body"),
        (b"", "application/json", 422, "invalid_query"),
    ],
)
def test_hostile_bodies_get_a_clear_4xx(
    server: Server, content: bytes, content_type: str, status: int, code: str
) -> None:
    with server.client() as http:  # its own connection: a 413 closes it
        response = http.post(
            "/v1/determine", content=content, headers={"content-type": content_type}
        )
        assert response.status_code == status, response.text
        assert _error(response)["code"] == code
        assert http.get("/healthz").status_code == 200


def test_a_long_value_is_shortened_in_the_error(client: httpx.Client) -> None:
    body = {**TEEN_IN_DE, "user": {"location": "X" * 5000}}
    error = _error(client.post("/v1/determine", json=body))
    assert len(error["fields"][0]["value"]) < 300


def test_wrong_method_is_405(client: httpx.Client) -> None:
    response = client.delete("/v1/determine")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_each_answer_is_recorded_before_it_is_sent(client: httpx.Client, log_path: Path) -> None:
    response = client.post("/v1/determine", json=TEEN_IN_DE)
    decision = response.headers["x-decision-id"]
    with dl.reading(log_path) as store:
        found = [r for r in store.read(dl.Selection(limit=50)) if r.id == decision]
    assert len(found) == 1
    assert found[0].duty_ids == tuple(d["id"] for d in response.json()["duties"])
    assert found[0].query == response.json()["query"]
    assert found[0].rulebase_version == response.headers["x-obligate-rulebase"]


def test_errors_are_not_recorded(client: httpx.Client, log_path: Path) -> None:
    with dl.reading(log_path) as store:
        before = store.count()
    client.post("/v1/determine", json={**TEEN_IN_DE, "date": "never"})
    with dl.reading(log_path) as store:
        assert store.count() == before


def test_openapi_document_is_complete(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for path, method in (
        ("/v1/determine", "post"),
        ("/v1/explain", "post"),
        ("/v1/compare", "post"),
        ("/v1/checklist", "post"),
        ("/v1/jurisdictions", "get"),
        ("/v1/jurisdictions/{code}", "get"),
        ("/v1/duties/{id}", "get"),
        ("/v1/rulebase", "get"),
        ("/healthz", "get"),
    ):
        operation = paths[path][method]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, (path, ok)
        if method == "post":
            assert "422" in operation["responses"]
            error = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert error["$ref"].endswith("/ErrorResponse")
    schemas = document["components"]["schemas"]
    codes = schemas["ErrorBody"]["properties"]["code"]["enum"]
    assert {"invalid_query", "unknown_jurisdiction", "not_found"} <= set(codes)
    assert "from" in schemas["ParameterJSON"]["properties"]
    assert set(schemas["DetermineRequest"]["required"]) == {"user", "date"}


def test_the_page_and_its_assets_are_served(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<form id="query-form"' in page.text
    for asset in ("/web/app.js", "/web/app.css"):
        assert client.get(asset).status_code == 200


# ---------------------------------------------------------------- load and shutdown


def test_a_thousand_connections_at_once_lose_no_record(tmp_path: Path) -> None:
    log = tmp_path / "burst.sqlite3"
    bodies = [
        json.dumps({**TEEN_IN_DE, "user": {"age": n % 18, "location": "DE"}}).encode()
        for n in range(1000)
    ]
    with Server("--decision-log", str(log)) as server:
        answers = asyncio.run(post_at_once(server.port, "/v1/determine", bodies))
        assert [status for status, _ in answers] == [200] * 1000
        assert httpx.get(f"{server.base}/healthz").status_code == 200
        assert server.stop() in (0, 130), server.output()
        assert "Application shutdown complete" in server.output()
    with dl.reading(log) as store:
        records = store.read(dl.Selection())
    assert {r.id for r in records} == {headers["x-decision-id"] for _, headers in answers}
    assert len(records) == 1000
    assert sorted(r.query["user"]["age"] for r in records) == sorted(n % 18 for n in range(1000))


def test_postgresql_decision_log(tmp_path: Path) -> None:
    import psycopg

    dsn = postgres_dsn()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {dl.TABLE}")
    with Server("--decision-log", dsn) as server, server.client() as http:
        ids = [
            http.post("/v1/determine", json=TEEN_IN_DE).headers["x-decision-id"] for _ in range(20)
        ]
        assert http.get("/healthz").json()["decision_log"] == "ok"
    with dl.reading(dsn) as store:
        records = store.read(dl.Selection(newest_first=False))
    assert [r.id for r in records] == ids
    assert all("EU-DSA-28-1" in r.duty_ids for r in records)


@pytest.mark.parametrize(
    ("arguments", "exit_code", "words"),
    [
        (["--rules", str(ROOT / "tests" / "diagnostics")], 1, "error["),
        (["--decision-log", "postgresql://nobody@127.0.0.1:1/none"], 2, "--decision-log"),
        (["--port", "70000"], 2, "--port"),
    ],
)
def test_startup_problems_are_reported(arguments: list[str], exit_code: int, words: str) -> None:
    import subprocess

    from serving import obligate_command

    result = subprocess.run(
        [*obligate_command(), "serve", "--no-decision-log", *arguments]
        if "--decision-log" not in arguments
        else [*obligate_command(), "serve", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == exit_code, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_duty_shows_its_instruments_court_history(client: httpx.Client) -> None:
    """Mississippi H.B. 1126's history is recorded on the instrument: the duty detail shows
    it, oldest first, and an answer says where the law stands (issue 13, point 1)."""
    duty = client.get("/v1/duties/US-MS-HB1126-AGE").json()
    assert [(e["date"], e["event"]) for e in duty["court"]] == [
        ("2024-07-01", "enjoined"),
        ("2025-04-17", "injunction lifted"),
        ("2025-06-18", "enjoined"),
        ("2025-07-17", "injunction stayed"),
    ]
    assert duty["court"][2]["protecting"] == ["NetChoice"]
    body = {"user": {"age": 15, "location": "US-MS"}, "date": "2026-11-25"}
    body["service"] = {"types": ["social_media"], "features": ["user_generated_content"]}
    answer = client.post("/v1/determine", json=body).json()
    [age] = [d for d in answer["duties"] if d["id"] == "US-MS-HB1126-AGE"]
    assert age["standing"]["latest"]["event"] == "injunction stayed"
    assert (
        "NetChoice v. Fitch" in age["standing"]["text"] and "2025-07-17" in age["standing"]["text"]
    )
