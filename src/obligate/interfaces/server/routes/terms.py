"""``GET /v1/terms`` and ``GET /v1/terms/{term}``: defined terms, market by market."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.responses import Response

from obligate.determination.answer import RulebaseOut
from obligate.determination.terms import Glossary
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.routes.common import (
    ERROR_RESPONSES,
    LOOKUP_RESPONSES,
    RulebaseOf,
    json_answer,
    not_found,
    request_day,
)
from obligate.interfaces.server.state import LiveRulebase, Snapshot


class GlossaryResponse(Glossary):
    """The glossary (terms.Glossary) with the version of the rule base it was read from."""

    rulebase: RulebaseOut


MARKETS_QUERY = Query(
    None, description="comma-separated jurisdiction codes (default: every one with a definition)"
)
DATE_QUERY = Query(None, description="read the law on this day (YYYY-MM-DD; default today)")


def router(live: LiveRulebase, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, tags=["rule base"])

    @routes.get("/v1/terms", response_model=GlossaryResponse, responses=ERROR_RESPONSES)
    async def terms(markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY) -> Response:
        snapshot = live.current
        answer = _glossary(snapshot, None, markets, date, rulebase_out(snapshot))
        return json_answer(answer.model_dump_json(), snapshot)

    @routes.get("/v1/terms/{term}", response_model=GlossaryResponse, responses=LOOKUP_RESPONSES)
    async def term(
        term: str, markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY
    ) -> Response:
        snapshot = live.current
        known = snapshot.rulebase.compiled.library.terms
        if term not in known:
            raise not_found("term", "term", term, known)
        answer = _glossary(snapshot, term, markets, date, rulebase_out(snapshot))
        return json_answer(answer.model_dump_json(), snapshot)

    return routes


def _glossary(
    snapshot: Snapshot,
    term: str | None,
    markets: str | None,
    date: str | None,
    version: RulebaseOut,
) -> GlossaryResponse:
    chosen = [code.strip() for code in markets.split(",") if code.strip()] if markets else None
    day = request_day(date) if date is not None else None
    found = snapshot.rulebase.glossary([term] if term else None, chosen, day)
    return GlossaryResponse(
        date=found.date, markets=found.markets, terms=found.terms, rulebase=version
    )
