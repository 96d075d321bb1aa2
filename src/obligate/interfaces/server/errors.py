"""One error envelope for every failure, with a closed set of codes, naming each field.

A client's mistake is a 4xx answer (422 for bad input); only a bug in obligate is a 500.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from obligate.determination.answer import RulebaseOut
from obligate.determination.query import FieldError, QueryError
from obligate.interfaces.decision_log import DecisionLogError
from obligate.interfaces.server.limits import MAX_ERROR_FIELDS
from obligate.interfaces.server.models import ErrorBody, ErrorCode, ErrorResponse, FieldProblem

VERSION_HEADER = "x-obligate-rulebase"
SHOWN_VALUE_CHARS = 200

STATUS_OF: dict[ErrorCode, int] = {
    "invalid_query": 422,
    "unknown_jurisdiction": 422,
    "unknown_duty": 422,
    "invalid_body": 422,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "request_timeout": 408,
    "payload_too_large": 413,
    "too_many_requests": 429,
    "decision_log_unavailable": 503,
    "internal_error": 500,
}
# RFC 9457 4.2.1: with type about:blank, the title is the status code's phrase (RFC 9110's
# names, which Python's http.HTTPStatus spells differently for 413 and 422 before 3.13).
TITLE_OF: dict[int, str] = {
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class NotFound(Exception):
    """A path names something the rule base does not hold (a duty, a jurisdiction)."""

    def __init__(self, problem: FieldProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def shown(value: Any) -> Any:
    """A value as an error echoes it back: scalars as sent, anything long or nested as
    shortened text (a client must not be able to make an error message huge)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError, RecursionError):
            value = repr(type(value))
    if len(value) > SHOWN_VALUE_CHARS:
        return value[:SHOWN_VALUE_CHARS] + "…"
    return value


def error_response(
    code: ErrorCode,
    message: str,
    fields: Sequence[FieldProblem] = (),
    rulebase: RulebaseOut | None = None,
    headers: dict[str, str] | None = None,
    *,
    instance: str,
) -> Response:
    """The envelope for ``code``, with the RFC 9457 members; ``instance`` is the path of the
    request that failed. At most ``MAX_ERROR_FIELDS`` fields are listed (the message counts
    them all)."""
    status = STATUS_OF[code]
    body = ErrorResponse(
        error=ErrorBody(
            code=code, status=status, message=message, fields=list(fields[:MAX_ERROR_FIELDS])
        ),
        rulebase=rulebase,
        title=TITLE_OF[status],
        status=status,
        detail=message,
        instance=instance,
    )
    all_headers = dict(headers or {})
    if rulebase is not None:
        all_headers[VERSION_HEADER] = rulebase.version
    return Response(
        body.model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers=all_headers,
    )


def instance_of(scope: Scope) -> str:
    """RFC 9457 ``instance``: the request's path, percent-encoded (a URI reference)."""
    return quote(scope.get("root_path", "") + scope["path"])


def problem_of(error: FieldError) -> FieldProblem:
    return FieldProblem(
        field=error.field,
        value=shown(error.value),
        message=error.message,
        accepted=error.accepted,
        hint=error.hint,
    )


def query_error_code(errors: Iterable[FieldError]) -> ErrorCode:
    found = list(errors)
    if any(e.message.startswith("unknown jurisdiction") for e in found):
        return "unknown_jurisdiction"
    if any(e.field == "duty" and e.message == "unknown duty" for e in found):
        return "unknown_duty"
    return "invalid_query"


# ---------------------------------------------------------------- request validation


BODY_NOT_OBJECT = {"model_attributes_type", "dict_type", "model_type"}


def validation_problems(
    errors: Sequence[Any], body_model: type[BaseModel] | None
) -> tuple[ErrorCode, list[FieldProblem]]:
    """FastAPI's validation errors as named fields: ``("body", "user", "age")`` is
    ``user.age``; an unknown key lists the keys accepted there."""
    code: ErrorCode = "invalid_query"
    problems = []
    for error in errors[: MAX_ERROR_FIELDS + 1]:  # one more, so the summary says "more"
        location = [str(p) for p in error.get("loc", ()) if p not in ("body",)]
        kind = error.get("type", "")
        if kind == "json_invalid":
            code = "invalid_body"
            problems.append(
                FieldProblem(
                    field="body",
                    message=f"not valid JSON: {error.get('ctx', {}).get('error', 'malformed')}",
                    accepted="a JSON object (Content-Type: application/json), at most "
                    "200 levels deep",
                )
            )
            continue
        if kind in BODY_NOT_OBJECT and not location:
            code = "invalid_body"
            problems.append(
                FieldProblem(
                    field="body",
                    value=shown(error.get("input")),
                    message="the body must be a JSON object",
                    accepted="a JSON object sent with Content-Type: application/json",
                )
            )
            continue
        if error.get("loc", ("body",))[0] == "query":
            location = [str(p) for p in error["loc"][1:]]
        field = ".".join(location) or "body"
        if kind == "extra_forbidden":
            problems.append(
                FieldProblem(
                    field=field,
                    value=shown(error.get("input")),
                    message="unknown field",
                    accepted=_accepted_keys(body_model, location[:-1]),
                )
            )
            continue
        if kind == "missing":
            problems.append(FieldProblem(field=field, message="missing: this field is required"))
            continue
        problems.append(
            FieldProblem(
                field=field,
                value=shown(error.get("input")),
                message=str(error.get("msg", "invalid")).lower(),
            )
        )
    return code, problems


def _accepted_keys(model: type[BaseModel] | None, path: Sequence[str]) -> str | None:
    """The keys a nested model accepts at ``path`` (None when the path leaves the models)."""
    current: Any = model
    for step in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(step)
        if info is None:
            return None
        current = info.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return ", ".join(current.model_fields)
    return None


# ---------------------------------------------------------------- handlers


def install(
    app: FastAPI,
    rulebase_of: Callable[[], RulebaseOut],
    body_models: dict[str, type[BaseModel]],
) -> None:
    """Turn every exception into the envelope. ``body_models`` maps a path to its request
    model, so that an unknown key can be answered with the keys accepted."""

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        model = body_models.get(request.url.path)
        found = exc.errors()
        code, problems = validation_problems(found, model)
        return error_response(
            code,
            _summary(problems, len(found)),
            problems,
            rulebase_of(),
            instance=instance_of(request.scope),
        )

    async def on_query(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, QueryError)
        problems = [problem_of(e) for e in exc.errors[: MAX_ERROR_FIELDS + 1]]
        return error_response(
            query_error_code(exc.errors),
            _summary(problems, len(exc.errors)),
            problems,
            rulebase_of(),
            instance=instance_of(request.scope),
        )

    async def on_not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotFound)
        return error_response(
            "not_found",
            exc.problem.message,
            [exc.problem],
            rulebase_of(),
            instance=instance_of(request.scope),
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        where = instance_of(request.scope)
        if exc.status_code == 405:
            return error_response(
                "method_not_allowed",
                f"{request.method} is not allowed on {request.url.path}",
                rulebase=rulebase_of(),
                instance=where,
                headers=dict(exc.headers or {}),
            )
        if exc.status_code == 404:
            return error_response(
                "not_found",
                f"no such resource: {request.url.path}; the API is described at /openapi.json",
                rulebase=rulebase_of(),
                instance=where,
            )
        if exc.status_code == 413:
            return error_response(
                "payload_too_large",
                str(exc.detail),
                rulebase=rulebase_of(),
                instance=where,
            )
        if 400 <= exc.status_code < 500:
            return error_response(
                "invalid_body",
                str(exc.detail),
                rulebase=rulebase_of(),
                instance=where,
            )
        return error_response(
            "internal_error",
            "internal error",
            rulebase=rulebase_of(),
            instance=where,
        )

    async def on_log(request: Request, exc: Exception) -> Response:
        return error_response(
            "decision_log_unavailable",
            "the answer could not be recorded in the decision log, so it is withheld; try again",
            rulebase=rulebase_of(),
            instance=instance_of(request.scope),
        )

    async def on_bug(request: Request, exc: Exception) -> Response:
        print(f"obligate: internal error on {request.method} {request.url.path}", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
        return error_response(
            "internal_error",
            "internal error in obligate (a bug, not a problem with the request)",
            rulebase=rulebase_of(),
            instance=instance_of(request.scope),
        )

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(QueryError, on_query)
    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DecisionLogError, on_log)
    app.add_exception_handler(Exception, on_bug)


def _summary(problems: Sequence[FieldProblem], total: int | None = None) -> str:
    count = max(len(problems), total or 0)
    parts = [f"{p.field}: {p.message}" for p in problems[:5]]
    more = f" (and {count - 5} more)" if count > 5 else ""
    return "; ".join(parts) + more if parts else "invalid request"
