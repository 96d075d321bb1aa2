"""``POST /v1/determine`` (recorded in the decision log) and ``POST /v1/explain``."""

from __future__ import annotations

from collections import OrderedDict

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from obligate.determination.answer import Determination
from obligate.interfaces.decision_log import DecisionLog, DecisionRecord
from obligate.interfaces.server import models
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.render import determination_json
from obligate.interfaces.server.routes.common import ERROR_RESPONSES, RulebaseOf, json_answer
from obligate.interfaces.server.state import LiveRulebase, Snapshot

RENDERED_ANSWERS = 1024  # about 60 KB each for a large platform
RENDERED_BYTES = 64 * 2**20  # and never more than 64 MiB of text, however large the answers
RECENT_BODIES = 256
RECENT_BODY_BYTES = 16_384  # a larger request body is not kept


class RenderedAnswers:
    """The contract JSON of recent answers. The rule base answers a repeated query with the
    same immutable ``Determination`` object, so its text is rendered once (exact: the same
    object always renders to the same bytes). Used from the event loop only."""

    def __init__(self, size: int = RENDERED_ANSWERS, max_bytes: int = RENDERED_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._texts: OrderedDict[int, tuple[Determination, bytes]] = OrderedDict()

    def text(self, answer: Determination) -> bytes:
        found = self._texts.get(id(answer))
        if found is not None and found[0] is answer:
            return found[1]
        text = determination_json(answer)
        if found is not None:  # an entry whose answer is gone: its id was reused
            self.bytes -= len(self._texts.pop(id(answer))[1])
        # Keeping the answer in the entry keeps its id from being reused while cached.
        self._texts[id(answer)] = (answer, text)
        self.bytes += len(text)
        while self._texts and (len(self._texts) > self.size or self.bytes > self.max_bytes):
            _answer, dropped = self._texts.popitem(last=False)[1]
            self.bytes -= len(dropped)
        return text


class RecentBodies:
    """The answers to the latest request bodies, by their exact bytes, for the snapshot that
    answered them. The same body always validates to the same query, and the same rule base
    always gives the same answer, so a repeated body is answered on the event loop, without a
    trip to a worker thread (which costs more than the rule base's own answer cache). Used from
    the event loop only."""

    def __init__(self, size: int = RECENT_BODIES, max_body: int = RECENT_BODY_BYTES) -> None:
        self.size = size
        self.max_body = max_body
        self._answers: OrderedDict[bytes, tuple[Snapshot, Determination]] = OrderedDict()

    def answer(self, body: bytes, snapshot: Snapshot) -> Determination | None:
        found = self._answers.get(body)
        if found is None or found[0] is not snapshot:
            return None
        self._answers.move_to_end(body)
        return found[1]

    def keep(self, body: bytes, snapshot: Snapshot, answer: Determination) -> None:
        if len(body) > self.max_body:
            return
        self._answers[body] = (snapshot, answer)
        self._answers.move_to_end(body)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)


def router(live: LiveRulebase, log: DecisionLog | None, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute, prefix="/v1", tags=["queries"])
    rendered = RenderedAnswers()
    recent = RecentBodies()

    @routes.post(
        "/determine",
        response_model=models.DeterminationResponse,
        responses=ERROR_RESPONSES,
        summary="Which duties apply (recorded in the decision log)",
    )
    async def determine(body: models.DetermineRequest, request: Request) -> Response:
        snapshot = live.current
        raw = await request.body()  # already read: the request was validated from it
        answer = recent.answer(raw, snapshot)
        if answer is None:
            # Off the event loop: a query never asked before can take a while to answer.
            answer = await run_in_threadpool(
                snapshot.rulebase.determine, body.service, body.user, body.date, body.horizon_days
            )
            recent.keep(raw, snapshot, answer)
        headers = {}
        if log is not None:
            record = DecisionRecord.of(answer)
            await log.record(record)  # the answer is sent only once its record is committed
            headers["x-decision-id"] = record.id
        return json_answer(rendered.text(answer), snapshot, **headers)

    @routes.post(
        "/explain",
        response_model=models.ExplanationResponse,
        responses=ERROR_RESPONSES,
        summary="Why one duty applies, or why not",
    )
    async def explain(body: models.ExplainRequest) -> Response:
        snapshot = live.current
        explanation = await run_in_threadpool(
            snapshot.rulebase.explain, body.duty, body.service, body.user, body.date
        )
        answer = models.ExplanationResponse(**dict(explanation), rulebase=rulebase_out(snapshot))
        return json_answer(answer.model_dump_json(), snapshot)

    return routes
