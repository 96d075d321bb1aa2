"""The service itself: ``GET /healthz`` (rule base and decision log), and the web page at
``/`` with its files under ``/web``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal, cast

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from obligate.interfaces.decision_log import DecisionLog
from obligate.interfaces.server import models
from obligate.interfaces.server.guard import JSONRoute
from obligate.interfaces.server.routes.common import RulebaseOf, json_answer
from obligate.interfaces.server.state import LiveRulebase

ReloadState = Literal["off", "ok", "failed", "stopped"]


def router(live: LiveRulebase, log: DecisionLog | None, rulebase_out: RulebaseOf) -> APIRouter:
    routes = APIRouter(route_class=JSONRoute)

    # Tagged "rule base" too: the OpenAPI document has always listed it under both.
    @routes.get("/healthz", response_model=models.Health, tags=["rule base", "service"])
    async def healthz() -> Response:
        snapshot = live.current
        log_state: Literal["ok", "off", "failing"] = (
            "off" if log is None else "ok" if log.healthy else "failing"
        )
        reload_state = cast(ReloadState, live.reload_state)
        healthy = log_state != "failing" and reload_state not in ("failed", "stopped")
        health = models.Health(
            status="ok" if healthy else "degraded",
            rulebase=rulebase_out(snapshot),
            decision_log=log_state,
            reload=reload_state,
        )
        return json_answer(health.model_dump_json(), snapshot)

    return routes


def web_folder() -> Path:
    return Path(str(resources.files("obligate.interfaces").joinpath("web")))


def install_web_page(app: FastAPI) -> None:
    """The page at ``/`` (outside the API document) and its script and styles at ``/web``."""
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
