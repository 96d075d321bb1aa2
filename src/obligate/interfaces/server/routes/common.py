"""What every route shares: the documented error answers, the JSON answer with the rule-base
version header, request dates checked the same way everywhere, and 404 problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from obligate.determination.answer import RulebaseOut
from obligate.determination.query import parse_day
from obligate.interfaces.server import errors, models
from obligate.interfaces.server.state import Snapshot
from obligate.language.diagnostics import did_you_mean

RulebaseOf = Callable[[Snapshot], RulebaseOut]
"""The version block of the rule base a snapshot holds (the ``rulebase`` key of answers)."""

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


def json_answer(text: str | bytes, snapshot: Snapshot, **headers: str) -> Response:
    """An answer's JSON, with the version of the rule base it was read from."""
    version = {errors.VERSION_HEADER: snapshot.rulebase.version}
    return Response(text, media_type="application/json", headers=version | headers)


def request_day(text: str, field: str = "date") -> dt.date:
    """A request date, checked here so that every route names the field the same way."""
    return parse_day(text, field)


def not_found(what: str, field: str, value: str, known: dict[str, Any]) -> errors.NotFound:
    return errors.NotFound(
        models.FieldProblem(
            field=field,
            value=errors.shown(value),
            message=f"no {what} {value!r} in this rule base",
            hint=did_you_mean(value, known),
        )
    )
