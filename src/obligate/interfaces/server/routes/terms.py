"""``GET /v1/terms`` and ``GET /v1/terms/{term}``: defined terms, market by market."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from obligate.determination.answer import RulebaseOut
from obligate.determination.query import FieldError, QueryError
from obligate.determination.terms import Glossary
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.limits import MAX_LIST_ITEMS
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


MAX_MARKETS_CHARS = 2000
MARKETS_QUERY = Query(
    None,
    max_length=MAX_MARKETS_CHARS,
    description="comma-separated jurisdiction codes, each counted once, at most "
    f"{MAX_LIST_ITEMS} (default: every one with a definition)",
)
DATE_QUERY = Query(
    None,
    json_schema_extra={"pattern": r"^\d{4}-\d{2}-\d{2}$"},
    description="read the law on this day (YYYY-MM-DD; default today)",
)


def router(live: LiveRulebase, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, tags=["rule base"])

    @routes.get("/v1/terms", response_model=GlossaryResponse, responses=ERROR_RESPONSES)
    async def terms(markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY) -> Response:
        snapshot = live.current
        text = await run_in_threadpool(
            _glossary, snapshot, None, markets, date, rulebase_out(snapshot)
        )
        return json_answer(text, snapshot)

    @routes.get("/v1/terms/{term}", response_model=GlossaryResponse, responses=LOOKUP_RESPONSES)
    async def term(
        term: str, markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY
    ) -> Response:
        snapshot = live.current
        known = snapshot.rulebase.compiled.library.terms
        if term not in known:
            raise not_found("term", "term", term, known)
        text = await run_in_threadpool(
            _glossary, snapshot, term, markets, date, rulebase_out(snapshot)
        )
        return json_answer(text, snapshot)

    return routes


def _glossary(
    snapshot: Snapshot,
    term: str | None,
    markets: str | None,
    date: str | None,
    version: RulebaseOut,
) -> str:
    """The glossary's JSON (built off the event loop: a glossary of many markets is work)."""
    chosen = market_list(markets) if markets else None
    day = request_day(date) if date is not None else None
    found = snapshot.rulebase.glossary([term] if term else None, chosen, day)
    return GlossaryResponse(
        date=found.date, markets=found.markets, terms=found.terms, rulebase=version
    ).model_dump_json()


def market_list(text: str) -> list[str] | None:
    """The codes of a ``markets`` parameter, each once, in the order given; 422 for more
    than ``MAX_LIST_ITEMS``."""
    chosen = list(dict.fromkeys(code.strip() for code in text.split(",") if code.strip()))
    if len(chosen) > MAX_LIST_ITEMS:
        raise QueryError(
            [
                FieldError(
                    field="markets",
                    value=f"{len(chosen)} markets",
                    message="too many markets",
                    accepted=f"at most {MAX_LIST_ITEMS} distinct jurisdiction codes",
                )
            ]
        )
    return chosen or None
