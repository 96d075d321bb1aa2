"""``POST /v1/compare`` (markets side by side) and ``POST /v1/checklist`` (a launch
checklist), answered by harmonize off the event loop."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from obligate.harmonise import harmonize
from obligate.interfaces.server import models
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.routes.common import ERROR_RESPONSES, json_answer, request_day
from obligate.interfaces.server.state import LiveRulebase


def router(live: LiveRulebase) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, prefix="/v1", tags=["queries"])

    @routes.post(
        "/compare",
        response_model=harmonize.Comparison,
        responses=ERROR_RESPONSES,
        summary="Markets × categories: the same service in several markets",
    )
    async def compare(body: models.CompareRequest) -> Response:
        snapshot = live.current
        comparison = await run_in_threadpool(
            harmonize.compare,
            snapshot.rulebase,
            body.service,
            list(dict.fromkeys(body.markets)),  # each market once
            request_day(body.date),
            body.ages,
        )
        return json_answer(comparison.model_dump_json(), snapshot)

    @routes.post(
        "/checklist",
        response_model=harmonize.Checklist,
        responses=ERROR_RESPONSES,
        summary="Launch checklist: duties to meet in these markets on the launch date",
    )
    async def checklist(body: models.ChecklistRequest) -> Response:
        snapshot = live.current
        result = await run_in_threadpool(
            harmonize.checklist,
            snapshot.rulebase,
            body.service,
            list(dict.fromkeys(body.markets)),
            request_day(body.launch_date, "launch_date"),
            body.ages,
        )
        return json_answer(result.model_dump_json(), snapshot)

    return routes
