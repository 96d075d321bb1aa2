"""``obligate serve``: the HTTP API and the web page over one live rule base.

create_app(live, log)  the FastAPI application (app.py; its routes in routes/)
serve(...)             load the rules, open the decision log, run uvicorn
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence

from obligate.interfaces.server.app import create_app
from obligate.interfaces.server.state import LiveRulebase

__all__ = ["LiveRulebase", "create_app", "serve"]


def serve(
    rules: Sequence[str | os.PathLike[str]],
    host: str = "127.0.0.1",
    port: int = 8000,
    watch: bool = False,
    decision_log: str | None = "obligate-decisions.sqlite3",
    access_log: bool = False,
) -> None:
    """Serve until interrupted. Raises ``RuleFileError`` if the rules do not compile and
    ``DecisionLogError`` if the decision log cannot be opened."""
    import uvicorn

    from obligate.interfaces.decision_log import open_log

    live = LiveRulebase(rules)
    # The rule base is hundreds of thousands of long-lived objects: moved out of the
    # collector's reach, they are not rescanned by every full collection (latency spikes).
    gc.collect()
    gc.freeze()
    log = open_log(decision_log) if decision_log else None
    if watch:
        live.start_watching()
    config = uvicorn.Config(
        create_app(live, log),
        host=host,
        port=port,
        access_log=access_log,
        log_level="info",
        backlog=4096,  # a burst of a thousand connections queues instead of being refused
        timeout_keep_alive=30,
        server_header=False,
    )
    uvicorn.Server(config).run()
