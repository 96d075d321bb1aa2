"""Hostile and careless clients against a real `obligate serve` on loopback (issue 18): an
oversized terms query, huge error lists, numbers the engine cannot hold, loose types,
duplicate keys, week dates, slow clients, too many connections, the bearer token that the
decision-log export needs, and rate limiting. Every wait here has a deadline; none is a
timing assertion."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from serving import HOST, ROOT, Server

MINI = ROOT / "tests" / "fixtures" / "mini"
TERMS = ROOT / "tests" / "fixtures" / "terms"
QUERY: dict[str, Any] = {"user": {"age": 13, "location": "XA"}, "date": "2026-06-01"}
TOKEN = "test-token-0123456789abcdef"
DEADLINE_SECONDS = 30


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("hardening") / "log.sqlite3"
    with Server(
        "--decision-log",
        str(log),
        "--header-timeout",
        "1",
        "--body-timeout",
        "1",
        "--max-connections",
        "20",
        rules=TERMS,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def http(served: Server) -> Iterator[httpx.Client]:
    with served.client() as client:
        yield client


def fields(response: httpx.Response) -> list[str]:
    return [f["field"] for f in response.json()["error"]["fields"]]


# ---------------------------------------------------------------- oversized queries


def test_a_market_asked_many_times_is_answered_once(http: httpx.Client) -> None:
    markets = ",".join(["XA"] * 600)  # 1.8 kB of query: once a 600-market glossary
    response = http.get("/v1/terms", params={"markets": markets, "date": "2026-06-01"})
    assert response.status_code == 200, response.text
    for term in response.json()["terms"]:
        assert [m["market"] for m in term["markets"]] == ["XA"]


def test_too_many_markets_is_a_422(http: httpx.Client) -> None:
    markets = ",".join(f"Q{i}" for i in range(101))
    response = http.get("/v1/terms", params={"markets": markets})
    assert response.status_code == 422
    assert fields(response) == ["markets"]
    assert "too many" in response.json()["error"]["message"]
    huge = http.get("/v1/terms", params={"markets": "XA," * 5000})
    assert huge.status_code == 422  # longer than the parameter's documented bound


def test_an_error_list_is_bounded(http: httpx.Client) -> None:
    service = {f"unknown_fact_{i}": 1 for i in range(5000)}  # 5,000 field errors
    response = http.post("/v1/determine", json={**QUERY, "service": service})
    assert response.status_code == 422
    error = response.json()["error"]
    assert len(error["fields"]) == 50
    assert "(and 4995 more)" in error["message"]
    assert len(response.content) < 100_000


def test_an_unbounded_list_is_refused_by_its_length(http: httpx.Client) -> None:
    response = http.post(
        "/v1/determine", json={**QUERY, "service": {"features": ["nope"] * 10_000}}
    )
    assert response.status_code == 422
    assert fields(response) == ["service.features"]


# ---------------------------------------------------------------- numbers and types


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            '{"service": {"monthly_active_users": {"XU": 1%s}}, ' % ("0" * 400),
            "service.monthly_active_users.XU",
        ),
        ('{"service": {"annual_turnover_eur": 1e999}, ', "service.annual_turnover_eur"),
        ('{"service": {"employees": 9223372036854775808}, ', "service.employees"),
        ('{"service": {"directed_at_children": 1}, ', "service.directed_at_children"),
        ('{"service": {"types": "social_media"}, ', "service.types"),
    ],
)
def test_numbers_and_types_the_engine_cannot_take(
    http: httpx.Client, body: str, field: str
) -> None:
    text = body + '"user": {"age": 13, "location": "XA"}, "date": "2026-06-01"}'
    response = http.post(
        "/v1/determine", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert fields(response) == [field]


@pytest.mark.parametrize("age", [False, True, "15", 15.5, 2**63])
def test_an_age_must_be_a_whole_number(http: httpx.Client, age: Any) -> None:
    response = http.post("/v1/determine", json={**QUERY, "user": {"age": age, "location": "XA"}})
    assert response.status_code == 422, response.text
    assert fields(response) == ["user.age"]


def test_a_whole_turnover_written_with_an_exponent_is_answered(http: httpx.Client) -> None:
    """``1e17`` reaches the engine as ``1e+17``, which it read as malformed (a 500)."""
    response = http.post("/v1/determine", json={**QUERY, "service": {"annual_turnover_eur": 1e17}})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("date", ["2026-W23-1", "2026-152", "20260601", "2026-02-30"])
def test_only_calendar_dates(http: httpx.Client, date: str) -> None:
    response = http.post("/v1/determine", json={**QUERY, "date": date})
    assert response.status_code == 422
    assert fields(response) == ["date"]
    terms = http.get("/v1/terms", params={"date": date})
    assert terms.status_code == 422


def test_duplicate_keys_are_refused(http: httpx.Client) -> None:
    text = '{"user": {"age": 13, "location": "XA", "age": 30}, "date": "2026-06-01"}'
    response = http.post(
        "/v1/determine", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_body"
    assert "duplicate key 'age'" in response.json()["error"]["message"]


# ---------------------------------------------------------------- slow clients


@pytest.fixture
def port(served: Server) -> int:
    return served.port


def _connect(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=DEADLINE_SECONDS)


def _read_all(connection: socket.socket) -> bytes:
    """Everything until the server closes (or the deadline: a socket timeout fails)."""
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def test_a_slow_request_head_is_cut_off(port: int, http: httpx.Client) -> None:
    with _connect(port) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the end
        assert _read_all(connection) == b""  # closed by the server, not by the deadline
    with _connect(port) as idle:  # a connection that never sends a byte
        assert _read_all(idle) == b""
    assert http.get("/healthz").status_code == 200


def test_a_slow_body_is_a_408(port: int) -> None:
    with _connect(port) as connection:
        connection.sendall(
            b"POST /v1/determine HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            b'content-length: 500\r\n\r\n{"user":'
        )
        answer = _read_all(connection)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b'"request_timeout"' in answer


def _answered(connection: socket.socket) -> bool:
    """Send a keep-alive request; whether an answer's head came back (else: closed)."""
    try:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            head += chunk
    except (ConnectionResetError, BrokenPipeError):
        return False
    return head.startswith(b"HTTP/1.1 200 ")


def test_connections_beyond_the_limit_are_closed(port: int, http: httpx.Client) -> None:
    opened = [_connect(port) for _ in range(40)]  # the limit is 20
    try:
        answered = [_answered(connection) for connection in opened]
    finally:
        for connection in opened:
            connection.close()
    assert 0 < answered.count(True) <= 20, answered
    assert answered.count(False) >= 20
    assert http.get("/healthz").status_code == 200


# ---------------------------------------------------------------- the decision log export


def test_the_log_export_is_off_without_a_token(http: httpx.Client) -> None:
    response = http.get("/v1/log")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_log_export_needs_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    log = tmp_path / "log.sqlite3"
    with (
        Server("--decision-log", str(log), "--token-file", str(token_file), rules=MINI) as server,
        server.client() as client,
    ):
        asked = client.post("/v1/determine", json=QUERY)
        assert asked.status_code == 200
        assert client.get("/v1/log").status_code == 401
        wrong = client.get("/v1/log", headers={"authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 401
        exported = client.get("/v1/log", headers={"authorization": f"Bearer {TOKEN}"})
        assert exported.status_code == 200, exported.text
        assert asked.headers["x-decision-id"] in exported.text
        assert client.post("/v1/determine", json=QUERY).status_code == 200  # the API is open
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_token_others_can_read_is_refused(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o644)
    server = Server("--no-decision-log", "--token-file", str(token_file), rules=MINI)
    try:
        with pytest.raises(AssertionError, match="chmod 600"):
            server.__enter__()
    finally:
        server.__exit__(None, None, None)
    assert server.returncode == 2


def test_the_whole_api_can_need_the_token(tmp_path: Path) -> None:
    server = Server("--no-decision-log", "--token-for", "api", rules=MINI)
    server.environment["OBLIGATE_API_TOKEN"] = TOKEN
    with server, server.client() as client:
        assert client.post("/v1/determine", json=QUERY).status_code == 401
        headers = {"authorization": f"Bearer {TOKEN}"}
        assert client.post("/v1/determine", json=QUERY, headers=headers).status_code == 200
        assert client.get("/healthz").status_code == 200  # health checks stay open


def test_a_client_over_its_rate_gets_429(tmp_path: Path) -> None:
    with (
        Server(
            "--no-decision-log", "--rate-limit", "0.5", "--rate-burst", "3", rules=MINI
        ) as server,
        server.client() as client,
    ):
        statuses = [client.get("/v1/vocabulary") for _ in range(8)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, [r.status_code for r in statuses]
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].json()["error"]["code"] == "too_many_requests"


def test_the_default_decision_log_is_private_and_in_the_data_directory(tmp_path: Path) -> None:
    from obligate.interfaces.decision_log import default_path, open_log

    environment = dict(os.environ)
    try:
        os.environ["XDG_DATA_HOME"] = str(tmp_path / "data")
        path = default_path()
        assert path == tmp_path / "data" / "obligate" / "decisions.sqlite3"
        log = open_log(path)
        log.close()
    finally:
        os.environ.clear()
        os.environ.update(environment)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
