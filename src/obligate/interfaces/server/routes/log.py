"""``GET /v1/log``: the decision log's records, as ``obligate log export`` writes them.

It reveals what clients asked, so the guard serves it only with the server's bearer token
(auth.py): without a token configured the route is off (401)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from obligate.interfaces import decision_log as dl
from obligate.interfaces.server import errors, models
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.routes.common import ERROR_RESPONSES, RulebaseOf, json_answer
from obligate.interfaces.server.state import LiveRulebase

MAX_RECORDS = 10_000
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "json": "application/json", "csv": "text/csv"}
LOG_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": models.ErrorResponse, "description": "the bearer token is missing or wrong"},
    404: {"model": models.ErrorResponse, "description": "the server keeps no decision log"},
}


def router(live: LiveRulebase, log: dl.DecisionLog | None, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, tags=["decision log"])

    @routes.get(
        "/v1/log",
        responses=LOG_RESPONSES,
        summary="Decision-log records, oldest first (needs the bearer token)",
        response_class=Response,
    )
    async def export(
        since: str | None = Query(None, max_length=40, description="from this date or time"),
        until: str | None = Query(None, max_length=40, description="before this date or time"),
        duty: str | None = Query(None, max_length=200, description="records where it applied"),
        limit: int = Query(1000, ge=1, le=MAX_RECORDS, description="at most this many"),
        format: Literal["jsonl", "json", "csv"] = Query("jsonl"),  # noqa: A002 - the option's name
    ) -> Response:
        snapshot = live.current
        if log is None or log.source is None:
            raise errors.NotFound(
                models.FieldProblem(
                    field="path", message="this server keeps no decision log (--no-decision-log)"
                )
            )
        text = await run_in_threadpool(_read, log.source, since, until, duty, limit, format)
        response = json_answer(text, snapshot)
        response.headers["content-type"] = MEDIA_TYPES[format]
        return response

    return routes


def _read(
    target: str, since: str | None, until: str | None, duty: str | None, limit: int, fmt: str
) -> str:
    """The records, read over a connection of their own (the writer keeps its own)."""
    selection = dl.Selection(
        since=_moment(since, "since"),
        until=_moment(until, "until"),
        duty=duty,
        limit=limit,
        newest_first=False,
    )
    with dl.reading(target) as store:
        return dl.export_text(store.read(selection), fmt)


def _moment(text: str | None, field: str) -> Any:
    from obligate.determination.query import FieldError, QueryError

    if text is None:
        return None
    try:
        return dl.parse_moment(text, field)
    except dl.DecisionLogError:
        raise QueryError(
            [
                FieldError(
                    field=field,
                    value=text,
                    message="not a date or time",
                    accepted="YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC when no offset)",
                )
            ]
        ) from None
