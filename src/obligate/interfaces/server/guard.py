"""Guards in front of the routes: a body-size limit enforced while the body arrives, a JSON
reader with a depth limit, and the rule-base version header on every answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pydantic_core
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from obligate.determination.answer import RulebaseOut
from obligate.interfaces.server.errors import VERSION_HEADER, error_response, instance_of

MAX_BODY_BYTES = 1_000_000


class GuardMiddleware:
    """Reads the whole request body (at most ``limit`` bytes) before the app sees it, so an
    oversized body gets a 413 envelope without being buffered, and adds the rule-base version
    header to answers that do not carry one."""

    def __init__(
        self, app: ASGIApp, rulebase_of: Callable[[], RulebaseOut], limit: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.rulebase_of = rulebase_of
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name == VERSION_HEADER.encode() for name, _ in headers):
                    headers.append((VERSION_HEADER.encode(), self.rulebase_of().version.encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, replay, send_with_version)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            "payload_too_large",
            f"the request body is larger than {self.limit:,} bytes",
            rulebase=self.rulebase_of(),
            # The rest of the body is not read: close the connection rather than drain it.
            headers={"connection": "close"},
            instance=instance_of(scope),
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class JSONRequest(Request):
    """A request whose JSON is parsed by pydantic's parser: fast, at most 200 levels deep
    (deeper input is an error, not a crash), and with no NaN or Infinity."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = pydantic_core.from_json(body, allow_inf_nan=False)
            except ValueError as exc:
                # FastAPI turns a JSONDecodeError into a validation error on the body.
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from None
        return self._json


class JSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def with_json_request(request: Request) -> Any:
            return await handler(JSONRequest(request.scope, request.receive))

        return with_json_request
