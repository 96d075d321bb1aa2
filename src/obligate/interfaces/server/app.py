"""The HTTP API and the web page: thin routes over the Python API.

Every answer comes from ``RuleBase`` (and ``harmonize`` for compare and checklist), read
from one snapshot of the live rule base, and carries that rule base's version (in the body
and in the ``x-obligate-rulebase`` header). Each answered determination is recorded in the
decision log before the answer is sent.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from obligate import __version__
from obligate.determination.answer import (
    DeadlineOut,
    Determination,
    RulebaseOut,
    citation_out,
)
from obligate.determination.query import FieldError, QueryError
from obligate.determination.rulebase import RuleBase
from obligate.determination.terms import Glossary
from obligate.engine.evaluate import render
from obligate.harmonise import harmonize
from obligate.interfaces.decision_log import DecisionLog, DecisionRecord
from obligate.interfaces.server import errors, models
from obligate.interfaces.server.guard import GuardMiddleware, JSONRoute
from obligate.interfaces.server.state import LiveRulebase, ReloadOutcome, Snapshot
from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean

RENDERED_ANSWERS = 1024  # about 60 KB each for a large platform: at most ~60 MB
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": models.ErrorResponse, "description": description}
    for status, description in (
        (422, "bad input: `error.fields` names each field, the value and what is accepted"),
        (413, "the request body is larger than 1 MB"),
        (503, "the decision log could not record the answer"),
        (500, "a bug in obligate (never caused by what a client sent)"),
    )
}
LOOKUP_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": models.ErrorResponse, "description": "no such duty or jurisdiction"},
}
DESCRIPTION = """Which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why. Every answer carries the version of the rule base it was
read from; every error is one envelope, `{"error": {"code", "status", "message", "fields"}}`,
with `code` from a closed set. The web page is at `/`."""


def web_folder() -> Path:
    return Path(str(resources.files("obligate.interfaces").joinpath("web")))


class RenderedAnswers:
    """The contract JSON of recent answers. The rule base answers a repeated query with the
    same immutable ``Determination`` object, so its text is rendered once (exact: the same
    object always renders to the same bytes). Used from the event loop only."""

    def __init__(self, size: int = RENDERED_ANSWERS) -> None:
        self.size = size
        self._texts: OrderedDict[int, tuple[Determination, bytes]] = OrderedDict()

    def text(self, answer: Determination) -> bytes:
        found = self._texts.get(id(answer))
        if found is not None and found[0] is answer:
            return found[1]
        text = answer.to_json(indent=None).encode()
        # Keeping the answer in the entry keeps its id from being reused while cached.
        self._texts[id(answer)] = (answer, text)
        if len(self._texts) > self.size:
            self._texts.popitem(last=False)
        return text


def create_app(live: LiveRulebase, log: DecisionLog | None = None) -> FastAPI:
    """The FastAPI application answering from ``live`` and recording to ``log``."""

    def rulebase_out(snapshot: Snapshot | None = None) -> RulebaseOut:
        rulebase = (snapshot or live.current).rulebase
        return RulebaseOut(version=rulebase.version, rules=len(rulebase.compiled.library.duties))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        live.stop_watching()
        if log is not None:
            log.close()  # writes every queued record first

    app = FastAPI(
        title="obligate",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.router.route_class = JSONRoute
    errors.install(
        app,
        rulebase_out,
        {
            "/v1/determine": models.DetermineRequest,
            "/v1/explain": models.ExplainRequest,
            "/v1/compare": models.CompareRequest,
            "/v1/checklist": models.ChecklistRequest,
        },
    )
    app.add_middleware(GuardMiddleware, rulebase_of=rulebase_out)
    app.include_router(_queries(live, log, rulebase_out))
    app.include_router(_lookups(live, log, rulebase_out))
    _web(app)
    return app


def _headers(snapshot: Snapshot) -> dict[str, str]:
    return {errors.VERSION_HEADER: snapshot.rulebase.version}


def _json(text: str | bytes, snapshot: Snapshot, **headers: str) -> Response:
    return Response(text, media_type="application/json", headers=_headers(snapshot) | headers)


# ---------------------------------------------------------------- queries


def _queries(live: LiveRulebase, log: DecisionLog | None, rulebase_out: Any) -> APIRouter:
    router = APIRouter(route_class=JSONRoute, prefix="/v1", tags=["queries"])
    rendered = RenderedAnswers()

    @router.post(
        "/determine",
        response_model=models.DeterminationResponse,
        responses=ERROR_RESPONSES,
        summary="Which duties apply (recorded in the decision log)",
    )
    async def determine(body: models.DetermineRequest) -> Response:
        snapshot = live.current
        answer = snapshot.rulebase.determine(body.service, body.user, body.date, body.horizon_days)
        headers = {}
        if log is not None:
            record = DecisionRecord.of(answer)
            await log.record(record)  # the answer is sent only once its record is committed
            headers["x-decision-id"] = record.id
        return _json(rendered.text(answer), snapshot, **headers)

    @router.post(
        "/explain",
        response_model=models.ExplanationResponse,
        responses=ERROR_RESPONSES,
        summary="Why one duty applies, or why not",
    )
    async def explain(body: models.ExplainRequest) -> Response:
        snapshot = live.current
        explanation = snapshot.rulebase.explain(body.duty, body.service, body.user, body.date)
        answer = models.ExplanationResponse(**dict(explanation), rulebase=rulebase_out(snapshot))
        return _json(answer.model_dump_json(), snapshot)

    @router.post(
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
            body.markets,
            _day(body.date),
            body.ages,
        )
        return _json(comparison.model_dump_json(), snapshot)

    @router.post(
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
            body.markets,
            _day(body.launch_date, "launch_date"),
            body.ages,
        )
        return _json(result.model_dump_json(), snapshot)

    return router


def _day(text: str, field: str = "date") -> dt.date:
    """A request date, checked here so that every route names the field the same way."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(
            [
                FieldError(
                    field=field,
                    value=text,
                    message="not a date",
                    accepted="a calendar date as YYYY-MM-DD, e.g. 2026-06-01",
                )
            ]
        ) from None


# ---------------------------------------------------------------- lookups


def _lookups(live: LiveRulebase, log: DecisionLog | None, rulebase_out: Any) -> APIRouter:
    router = APIRouter(route_class=JSONRoute, tags=["rule base"])

    @router.get("/v1/jurisdictions", response_model=models.JurisdictionList)
    async def jurisdictions() -> Response:
        snapshot = live.current
        answer = models.JurisdictionList(
            rulebase=rulebase_out(snapshot),
            jurisdictions=[
                _summary(j)
                for _, j in sorted(snapshot.rulebase.compiled.library.jurisdictions.items())
            ],
        )
        return _json(answer.model_dump_json(), snapshot)

    @router.get(
        "/v1/jurisdictions/{code}",
        response_model=models.JurisdictionDetail,
        responses=LOOKUP_RESPONSES,
    )
    async def jurisdiction(
        code: str,
        date: str | None = Query(
            None, description="read parameters on this day (YYYY-MM-DD; default today)"
        ),
    ) -> Response:
        snapshot = live.current
        day = _day(date) if date is not None else dt.date.today()
        detail = _jurisdiction_detail(snapshot.rulebase, code, day, rulebase_out(snapshot))
        return _json(detail.model_dump_json(), snapshot)

    @router.get("/v1/duties/{id}", response_model=models.DutyDetail, responses=LOOKUP_RESPONSES)
    async def duty(id: str) -> Response:  # noqa: A002 - the path names it id
        snapshot = live.current
        detail = _duty_detail(snapshot.rulebase, id, rulebase_out(snapshot))
        return _json(detail.model_dump_json(), snapshot)

    @router.get("/v1/vocabulary", response_model=models.Vocabulary)
    async def vocabulary() -> Response:
        snapshot = live.current
        answer = _vocabulary(snapshot.rulebase, rulebase_out(snapshot))
        return _json(answer.model_dump_json(), snapshot)

    @router.get("/v1/rulebase", response_model=models.RulebaseInfo)
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
            last_reload=_reload_out(live.last_reload),
        )
        return _json(info.model_dump_json(), snapshot)

    @router.get("/v1/terms", response_model=GlossaryResponse, responses=ERROR_RESPONSES)
    async def terms(markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY) -> Response:
        snapshot = live.current
        answer = _glossary(snapshot, None, markets, date, rulebase_out(snapshot))
        return _json(answer.model_dump_json(), snapshot)

    @router.get("/v1/terms/{term}", response_model=GlossaryResponse, responses=LOOKUP_RESPONSES)
    async def term(
        term: str, markets: str | None = MARKETS_QUERY, date: str | None = DATE_QUERY
    ) -> Response:
        snapshot = live.current
        known = snapshot.rulebase.compiled.library.terms
        if term not in known:
            raise _not_found("term", "term", term, known)
        answer = _glossary(snapshot, term, markets, date, rulebase_out(snapshot))
        return _json(answer.model_dump_json(), snapshot)

    @router.get("/healthz", response_model=models.Health, tags=["service"])
    async def healthz() -> Response:
        snapshot = live.current
        log_state: Literal["ok", "off", "failing"] = (
            "off" if log is None else "ok" if log.healthy else "failing"
        )
        health = models.Health(
            status="ok" if log_state != "failing" else "degraded",
            rulebase=rulebase_out(snapshot),
            decision_log=log_state,
        )
        return _json(health.model_dump_json(), snapshot)

    return router


class GlossaryResponse(Glossary):
    """The glossary (terms.Glossary) with the version of the rule base it was read from."""

    rulebase: RulebaseOut


MARKETS_QUERY = Query(
    None, description="comma-separated jurisdiction codes (default: every one with a definition)"
)
DATE_QUERY = Query(None, description="read the law on this day (YYYY-MM-DD; default today)")


def _glossary(
    snapshot: Snapshot, term: str | None, markets: str | None, date: str | None, version: Any
) -> GlossaryResponse:
    chosen = [code.strip() for code in markets.split(",") if code.strip()] if markets else None
    day = _day(date) if date is not None else None
    found = snapshot.rulebase.glossary([term] if term else None, chosen, day)
    return GlossaryResponse(
        date=found.date, markets=found.markets, terms=found.terms, rulebase=version
    )


def _codes(pairs: tuple[tuple[str, Any], ...]) -> list[str]:
    return [code for code, _span in pairs]


def _summary(node: m.Jurisdiction) -> models.JurisdictionSummary:
    return models.JurisdictionSummary(
        code=node.code,
        name=node.name,
        member_of=_codes(node.member_of),
        part_of=_codes(node.part_of),
        party_to=_codes(node.party_to),
    )


def _not_found(what: str, field: str, value: str, known: dict[str, Any]) -> errors.NotFound:
    return errors.NotFound(
        models.FieldProblem(
            field=field,
            value=errors.shown(value),
            message=f"no {what} {value!r} in this rule base",
            hint=did_you_mean(value, known),
        )
    )


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


@functools.lru_cache(maxsize=8)
def _duties_by_place(rulebase: RuleBase) -> dict[str, list[m.Duty]]:
    """Duties by the jurisdiction they are hooked to (their own hooks, or their instrument's
    jurisdiction), built once per rule base."""
    library = rulebase.compiled.library
    places: dict[str, list[m.Duty]] = {}
    for duty in sorted(library.duties.values(), key=lambda d: d.id):
        hooked = {hook.jurisdiction for hook in duty.applies_to}
        if not hooked and duty.cites is not None:
            instrument = library.instruments.get(duty.cites.instrument)
            if instrument is not None and instrument.jurisdiction:
                hooked = {instrument.jurisdiction}
        for place in hooked:
            places.setdefault(place, []).append(duty)
    return places


def _jurisdiction_detail(
    rulebase: RuleBase, code: str, day: dt.date, version: RulebaseOut
) -> models.JurisdictionDetail:
    library = rulebase.compiled.library
    node = library.jurisdictions.get(code)
    if node is None:
        raise _not_found("jurisdiction", "code", code, library.jurisdictions)
    graph = rulebase.graph
    reach = list(graph.reach(code))
    inside = set(reach)
    edges = [
        models.Edge(child=child, parent=parent, kind=graph.edge_kind(child, parent))  # type: ignore[arg-type]
        for child in reach
        for parent in graph.graph.successors(child)
        if parent in inside
    ]
    parameters = [
        models.ParameterSettingOut(
            name=setting.name,
            value=_number(setting.value),
            origin=setting.origin,
            since=setting.since.isoformat() if setting.since else None,
            citation=f"{setting.under.instrument} {setting.under.provision}"
            if setting.under
            else None,
        )
        for setting in graph.parameters(code, day).values()
    ]
    instruments = [
        models.NamedRef(id=i.id, title=i.title)
        for i in sorted(library.instruments.values(), key=lambda i: i.id)
        if i.jurisdiction == code
    ]
    duties = [
        models.DutyRef(id=d.id, title=d.title, category=d.category, modality=d.modality.value)
        for d in _duties_by_place(rulebase).get(code, [])
    ]
    return models.JurisdictionDetail(
        rulebase=version,
        code=node.code,
        name=node.name,
        member_of=_codes(node.member_of),
        part_of=_codes(node.part_of),
        party_to=_codes(node.party_to),
        parties=_codes(node.parties),
        note=node.note,
        date=day.isoformat(),
        reach=reach,
        edges=edges,
        parameters=parameters,
        instruments=instruments,
        duties=duties,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _duty_detail(rulebase: RuleBase, duty_id: str, version: RulebaseOut) -> models.DutyDetail:
    library = rulebase.compiled.library
    duty = library.duties.get(duty_id)
    if duty is None:
        raise _not_found("duty", "id", duty_id, library.duties)
    citation = None
    if duty.cites is not None:
        citation = citation_out(duty.cites, library.instruments.get(duty.cites.instrument))
    status = None
    if duty.status is not None:
        status = models.StatusOut(
            kind=duty.status.kind.value,
            since=_iso(duty.status.since),
            case=duty.status.case,
            protecting=list(duty.status.protecting),
        )
    return models.DutyDetail(
        rulebase=version,
        id=duty.id,
        modality=duty.modality.value,
        title=duty.title,
        category=duty.category,
        citation=citation,
        applies_to=[
            models.HookOut(kind=h.kind, jurisdiction=h.jurisdiction) for h in duty.applies_to
        ],
        when=render(duty.when) if duty.when is not None else None,
        unless=render(duty.unless) if duty.unless is not None else None,
        overrides=_codes(duty.overrides),
        effective=_iso(duty.effective),
        until=_iso(duty.until),
        status=status,
        court=[
            models.CourtEventOut(
                date=e.date.isoformat(),
                event=e.event.value,
                case=e.case,
                protecting=list(e.protecting),
            )
            for e in duty.court
        ],
        deadline=DeadlineOut(
            amount=duty.deadline.amount,
            unit=duty.deadline.unit.value if duty.deadline.unit else None,
            hours=duty.deadline.hours,
            text=duty.deadline.text,
            description=duty.deadline.description,
        )
        if duty.deadline
        else None,
        note=duty.note,
        source=duty.span.location,
    )


def _vocabulary(rulebase: RuleBase, version: RulebaseOut) -> models.Vocabulary:
    library = rulebase.compiled.library

    def words(table: dict[str, m.VocabularyEntry]) -> list[models.WordOut]:
        return [
            models.WordOut(name=name, description=entry.description)
            for name, entry in sorted(table.items())
        ]

    return models.Vocabulary(
        rulebase=version,
        types=words(library.types),
        features=words(library.features),
        categories=words(library.categories),
        parameters=words(library.parameters),
        facts=[
            models.FactOut(
                subject=subject,
                name=name,
                type=entry.fact_type.value if entry.fact_type else None,
                description=entry.description,
            )
            for (subject, name), entry in sorted(library.facts.items())
        ],
    )


def _reload_out(outcome: ReloadOutcome | None) -> models.ReloadOut | None:
    if outcome is None:
        return None
    return models.ReloadOut(
        at=outcome.at.isoformat(timespec="seconds"),
        ok=outcome.ok,
        version=outcome.version,
        seconds=round(outcome.seconds, 4),
        diagnostics=[models.DiagnosticOut(**d.to_dict()) for d in outcome.diagnostics],
        rendered=outcome.rendered,
    )


# ---------------------------------------------------------------- the web page


def _web(app: FastAPI) -> None:
    folder = web_folder()
    page = (folder / "index.html").read_text(encoding="utf-8")
    security = {
        # Everything the page loads comes from this server; no inline script.
        "content-security-policy": "default-src 'self'; img-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
    }

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page, headers=security)

    app.mount("/web", StaticFiles(directory=folder), name="web")
