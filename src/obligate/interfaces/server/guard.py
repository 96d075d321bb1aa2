"""Guards in front of the routes: a request rate per client, the bearer token where one is
needed, a body-size limit and a deadline enforced while the body arrives, a JSON reader with a
depth limit that refuses duplicate keys, and the rule-base version header on every answer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pydantic_core
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from obligate.determination.answer import RulebaseOut
from obligate.interfaces.server.auth import Access
from obligate.interfaces.server.errors import VERSION_HEADER, error_response, instance_of
from obligate.interfaces.server.limits import Limits, RateLimiter, retry_after
from obligate.interfaces.server.models import ErrorCode

MAX_BODY_BYTES = 1_000_000


class GuardMiddleware:
    """Checks the client's request rate and the token first, then reads the whole request
    body (at most ``limit`` bytes, within ``limits.body_seconds``) before the app sees it, so
    an oversized or slow body gets a 413 or 408 envelope without being buffered, and adds the
    rule-base version header to answers that do not carry one."""

    def __init__(
        self,
        app: ASGIApp,
        rulebase_of: Callable[[], RulebaseOut],
        limit: int = MAX_BODY_BYTES,
        limits: Limits | None = None,
        access: Access | None = None,
    ) -> None:
        self.app = app
        self.rulebase_of = rulebase_of
        self.limit = limit
        self.limits = limits or Limits()
        self.access = access or Access()
        self.rates = (
            RateLimiter(self.limits.rate, self.limits.bucket_size) if self.limits.rate > 0 else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if await self._refused(scope, receive, send):
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            # One deadline for the whole body (not one timer per chunk).
            async with asyncio.timeout(self.limits.body_seconds):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away before sending its body
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        break
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await self._refuse(
                "request_timeout",
                f"the request body did not arrive within {self.limits.body_seconds:g} s",
                scope,
                receive,
                send,
                {"connection": "close"},
            )
            return
        if size > self.limit:
            await self._too_large(scope, receive, send)
            return
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

    async def _refused(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer 429 to a client over its rate, 401 where the token is missing; True if
        the request was answered here."""
        if self.rates is not None:
            client = scope.get("client") or ("?", 0)
            wait = self.rates.wait_seconds(str(client[0]))
            if wait > 0:
                await self._refuse(
                    "too_many_requests",
                    f"more than {self.limits.rate:g} requests a second from this address; "
                    "retry after the time in Retry-After",
                    scope,
                    receive,
                    send,
                    {"retry-after": retry_after(wait)},
                )
                return True
        path = scope.get("path", "")
        if self.access.needs_token(path) and not self.access.allows(
            _header(scope, b"authorization")
        ):
            message = (
                "this route needs the server's bearer token (Authorization: Bearer …)"
                if self.access.token is not None
                else "this route is off: start the server with --token-file or "
                "OBLIGATE_API_TOKEN to use it"
            )
            await self._refuse(
                "unauthorized", message, scope, receive, send, {"www-authenticate": "Bearer"}
            )
            return True
        return False

    async def _refuse(
        self,
        code: ErrorCode,
        message: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[str, str],
    ) -> None:
        response = error_response(
            code,
            message,
            rulebase=self.rulebase_of(),
            headers=headers,
            instance=instance_of(scope),
        )
        await response(scope, receive, send)

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


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value).decode("latin-1")
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key[:100]!r} in an object")
        found[key] = value
    return found


class JSONRequest(Request):
    """A request whose JSON is parsed by pydantic's parser: fast, at most 200 levels deep
    (deeper input is an error, not a crash), and with no NaN or Infinity; then read again by
    the standard library (safe once the depth is known) to refuse duplicate keys, which
    pydantic's parser resolves silently to the last."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = pydantic_core.from_json(body, allow_inf_nan=False)
                if b'"' in body:
                    json.loads(body, object_pairs_hook=_no_duplicate_keys)
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
