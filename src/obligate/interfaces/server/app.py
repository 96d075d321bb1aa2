"""The HTTP API and the web page: thin routes over the Python API.

Every answer comes from ``RuleBase`` (and ``harmonize`` for compare and checklist), read
from one snapshot of the live rule base, and carries that rule base's version (in the body
and in the ``x-obligate-rulebase`` header). Each answered determination is recorded in the
decision log before the answer is sent. The routes live in ``routes/``, one module per
resource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from obligate import __version__
from obligate.determination.answer import RulebaseOut
from obligate.interfaces.decision_log import DecisionLog
from obligate.interfaces.server import apidocs, errors, models, openapi
from obligate.interfaces.server.auth import Access
from obligate.interfaces.server.guard import GuardMiddleware, JSONRoute
from obligate.interfaces.server.limits import Limits
from obligate.interfaces.server.routes import answers, harmonise, rulebase, service, terms
from obligate.interfaces.server.routes import log as log_routes
from obligate.interfaces.server.state import LiveRulebase, Snapshot

DESCRIPTION = """Which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why. Every answer carries the version of the rule base it was
read from; every error is one envelope, `{"error": {"code", "status", "message", "fields"}}`,
with `code` from a closed set, and carries the RFC 9457 problem details members `type`,
`title`, `status`, `detail` and `instance` beside `error`. The web page is at `/`."""


def create_app(
    live: LiveRulebase,
    log: DecisionLog | None = None,
    limits: Limits | None = None,
    access: Access | None = None,
) -> FastAPI:
    """The FastAPI application answering from ``live`` and recording to ``log``, within
    ``limits``, asking for a token where ``access`` says."""

    def rulebase_out(snapshot: Snapshot | None = None) -> RulebaseOut:
        return (snapshot or live.current).rulebase.about

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        live.stop_watching()
        if log is not None:
            log.close()  # writes every queued record first

    # /docs (Swagger UI) and /redoc from files inside the fastapi-offline package, served
    # by this server: both work with no network, and load nothing from elsewhere (ReDoc's
    # own logo address made local by apidocs.py; Swagger UI's online validator badge off).
    app = FastAPIOffline(
        title="obligate",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url="/docs-assets",
        redoc_url=None,
        swagger_ui_parameters={"validatorUrl": None},
    )
    apidocs.install(app, favicon_url="/docs-assets/favicon.png")
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
    app.add_middleware(GuardMiddleware, rulebase_of=rulebase_out, limits=limits, access=access)
    # The order here is the order of the paths in the OpenAPI document.
    app.include_router(answers.router(live, log, rulebase_out))
    app.include_router(harmonise.router(live))
    app.include_router(rulebase.router(live, rulebase_out))
    app.include_router(terms.router(live, rulebase_out))
    app.include_router(service.router(live, log, rulebase_out))
    app.include_router(log_routes.router(live, log, rulebase_out))
    service.install_web_page(app)
    openapi.install(app, live)
    return app
