"""``obligate serve``: the HTTP API and the web page over one live rule base.

create_app(live, log)  the FastAPI application (app.py; its routes in routes/)
serve(...)             load the rules, open the decision log, run uvicorn
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence

from obligate.interfaces.server.app import create_app
from obligate.interfaces.server.auth import Access, TokenError, TokenScope, load_token
from obligate.interfaces.server.limits import Limits, guarded_protocol
from obligate.interfaces.server.state import LiveRulebase

__all__ = ["Access", "Limits", "LiveRulebase", "TokenError", "create_app", "serve"]

DEFAULT_LOG = ""
"""``decision_log`` default: ``decisions.sqlite3`` in the user's data directory."""


def serve(
    rules: Sequence[str | os.PathLike[str]],
    host: str = "127.0.0.1",
    port: int = 8000,
    watch: bool = False,
    decision_log: str | None = DEFAULT_LOG,
    access_log: bool = False,
    limits: Limits | None = None,
    token_file: str | os.PathLike[str] | None = None,
    token_for: TokenScope = "log",
) -> None:
    """Serve until interrupted. Raises ``RuleFileError`` if the rules do not compile,
    ``DecisionLogError`` if the decision log cannot be opened and ``TokenError`` if the
    token file or ``OBLIGATE_API_TOKEN`` cannot be used."""
    import uvicorn

    from obligate.interfaces.decision_log import default_path, open_log

    limits = limits or Limits()
    access = Access(load_token(token_file), token_for)
    if token_for == "api" and access.token is None:
        raise TokenError("--token-for api needs a token: --token-file or OBLIGATE_API_TOKEN")
    if decision_log == DEFAULT_LOG:
        decision_log = str(default_path())
    live = LiveRulebase(rules)
    # The rule base is hundreds of thousands of long-lived objects: moved out of the
    # collector's reach, they are not rescanned by every full collection (latency spikes).
    gc.collect()
    gc.freeze()
    log = open_log(decision_log) if decision_log else None
    if watch:
        live.start_watching()
    config = uvicorn.Config(
        create_app(live, log, limits=limits, access=access),
        host=host,
        port=port,
        http=guarded_protocol(limits),  # a deadline for each request head, a connection cap
        access_log=access_log,
        log_level="info",
        backlog=4096,  # a burst of a thousand connections queues instead of being refused
        timeout_keep_alive=limits.keep_alive_seconds,
        server_header=False,
    )
    uvicorn.Server(config).run()
