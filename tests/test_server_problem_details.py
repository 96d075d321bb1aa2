"""Every error body carries the RFC 9457 problem details members (`type`, `title`, `status`,
`detail`, `instance`) beside the `error` envelope, which stays as it was: against a real
`obligate serve` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from serving import Server

ENVELOPE_KEYS = {"code", "status", "message", "fields"}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}
TEEN_IN_DE = {"user": {"age": 15, "location": "DE"}, "date": "2026-06-01"}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server("--no-decision-log") as running:
        yield running


# (method, path as sent, JSON body, raw body, status, error.code, title, instance)
CASES: list[tuple[str, str, Any, bytes | None, int, str, str, str]] = [
    ("GET", "/v1/duties/NOPE", None, None, 404, "not_found", "Not Found", "/v1/duties/NOPE"),
    ("GET", "/nowhere", None, None, 404, "not_found", "Not Found", "/nowhere"),
    ("GET", "/no%20where", None, None, 404, "not_found", "Not Found", "/no%20where"),
    (
        "GET",
        "/v1/terms/chld",
        None,
        None,
        404,
        "not_found",
        "Not Found",
        "/v1/terms/chld",
    ),
    (
        "GET",
        "/v1/determine",
        None,
        None,
        405,
        "method_not_allowed",
        "Method Not Allowed",
        "/v1/determine",
    ),
    (
        "POST",
        "/v1/determine",
        {"user": {}},
        None,
        422,
        "invalid_query",
        "Unprocessable Content",
        "/v1/determine",
    ),
    (
        "POST",
        "/v1/determine",
        {**TEEN_IN_DE, "user": {"age": 15, "location": "DX"}},
        None,
        422,
        "unknown_jurisdiction",
        "Unprocessable Content",
        "/v1/determine",
    ),
    (
        "POST",
        "/v1/explain",
        {**TEEN_IN_DE, "duty": "NOPE"},
        None,
        422,
        "unknown_duty",
        "Unprocessable Content",
        "/v1/explain",
    ),
    (
        "POST",
        "/v1/determine",
        None,
        b"{'user': nope",
        422,
        "invalid_body",
        "Unprocessable Content",
        "/v1/determine",
    ),
    (
        "GET",
        "/v1/jurisdictions/DE?date=2026-13-01",
        None,
        None,
        422,
        "invalid_query",
        "Unprocessable Content",
        "/v1/jurisdictions/DE",
    ),
    (
        "POST",
        "/v1/determine",
        None,
        b'{"pad": "' + b"x" * 1_100_000 + b'"}',
        413,
        "payload_too_large",
        "Content Too Large",
        "/v1/determine",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "raw", "status", "code", "title", "instance"), CASES
)
def test_every_error_carries_the_problem_details_members(
    server: Server,
    method: str,
    path: str,
    body: Any,
    raw: bytes | None,
    status: int,
    code: str,
    title: str,
    instance: str,
) -> None:
    with server.client() as http:  # its own connection: a 413 closes it
        if raw is not None:
            response = http.request(
                method, path, content=raw, headers={"content-type": "application/json"}
            )
        else:
            response = http.request(method, path, json=body)
    assert response.status_code == status, response.text
    # The media type stays the one the OpenAPI document declares for every error.
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    error = data["error"]
    assert set(error) == ENVELOPE_KEYS  # the envelope is unchanged: members are added beside it
    assert error["code"] == code
    assert PROBLEM_KEYS <= set(data)
    assert data["type"] == "about:blank"
    assert data["title"] == title
    assert data["status"] == status == error["status"]
    assert data["detail"] == error["message"]
    assert data["instance"] == instance


def test_the_openapi_document_describes_the_members(server: Server) -> None:
    with server.client() as http:
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
    error = schemas["ErrorResponse"]
    assert PROBLEM_KEYS <= set(error["properties"])
    assert {"error", "title", "status", "detail", "instance"} <= set(error["required"])
    assert error["properties"]["type"]["default"] == "about:blank"
