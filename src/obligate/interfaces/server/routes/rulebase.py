"""Lookups in the rule base: its jurisdictions, one duty, its vocabulary, and what is loaded."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from obligate.interfaces.server import details, models
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.routes.common import (
    LOOKUP_RESPONSES,
    RulebaseOf,
    json_answer,
    not_found,
    request_day,
)
from obligate.interfaces.server.state import LiveRulebase


def router(live: LiveRulebase, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, tags=["rule base"])

    @routes.get("/v1/jurisdictions", response_model=models.JurisdictionList)
    async def jurisdictions() -> Response:
        snapshot = live.current
        answer = models.JurisdictionList(
            rulebase=rulebase_out(snapshot),
            jurisdictions=[
                details.jurisdiction_summary(j)
                for _, j in sorted(snapshot.rulebase.compiled.library.jurisdictions.items())
            ],
        )
        return json_answer(answer.model_dump_json(), snapshot)

    @routes.get(
        "/v1/jurisdictions/{code}",
        response_model=models.JurisdictionDetail,
        responses=LOOKUP_RESPONSES,
    )
    async def jurisdiction(
        code: str,
        date: str | None = Query(
            None,
            json_schema_extra={"pattern": r"^\d{4}-\d{2}-\d{2}$"},
            description="read parameters on this day (YYYY-MM-DD; default today)",
        ),
    ) -> Response:
        snapshot = live.current
        day = request_day(date) if date is not None else dt.date.today()
        library = snapshot.rulebase.compiled.library
        if code not in library.jurisdictions:
            raise not_found("jurisdiction", "code", code, library.jurisdictions)
        detail = await run_in_threadpool(
            details.jurisdiction_detail, snapshot.rulebase, code, day, rulebase_out(snapshot)
        )
        return json_answer(detail.model_dump_json(), snapshot)

    @routes.get("/v1/duties/{id}", response_model=models.DutyDetail, responses=LOOKUP_RESPONSES)
    async def duty(id: str) -> Response:  # noqa: A002 - the path names it id
        snapshot = live.current
        library = snapshot.rulebase.compiled.library
        if id not in library.duties:
            raise not_found("duty", "id", id, library.duties)
        detail = await run_in_threadpool(
            details.duty_detail, snapshot.rulebase, id, rulebase_out(snapshot)
        )
        return json_answer(detail.model_dump_json(), snapshot)

    @routes.get("/v1/vocabulary", response_model=models.Vocabulary)
    async def vocabulary() -> Response:
        snapshot = live.current
        answer = await run_in_threadpool(
            details.vocabulary, snapshot.rulebase, rulebase_out(snapshot)
        )
        return json_answer(answer.model_dump_json(), snapshot)

    @routes.get("/v1/rulebase", response_model=models.RulebaseInfo)
    async def rulebase_info() -> Response:
        snapshot = live.current
        library = snapshot.rulebase.compiled.library
        info = models.RulebaseInfo(
            rulebase=rulebase_out(snapshot),
            version=snapshot.rulebase.version,
            counts=models.Counts(
                duties=len(library.duties),
                definitions=len(library.definitions),
                instruments=len(library.instruments),
                jurisdictions=len(library.jurisdictions),
                types=len(library.types),
                features=len(library.features),
                categories=len(library.categories),
                warnings=len(snapshot.rulebase.warnings),
            ),
            loaded_at=snapshot.loaded_at.isoformat(timespec="seconds"),
            load_seconds=round(snapshot.load_seconds, 4),
            paths=[str(p) for p in live.paths],
            watching=live.watching,
            last_reload=details.reload_out(live.last_reload),
        )
        return json_answer(info.model_dump_json(), snapshot)

    return routes
