"""``obligate serve``: the HTTP API and the web page over one live rule base.

create_app(live, log)  the FastAPI application (app.py; its routes in routes/)
serve(...)             load the rules, open the decision log, run uvicorn (in N worker
                       processes with ``workers``: workers.py)
"""

from __future__ import annotations

import gc
import os
import socket
import sys
from collections.abc import Sequence

from fastapi import FastAPI

from obligate.interfaces.server.app import create_app
from obligate.interfaces.server.auth import Access, TokenError, TokenScope, load_token
from obligate.interfaces.server.limits import Limits, guarded_protocol
from obligate.interfaces.server.state import LiveRulebase
from obligate.interfaces.server.workers import ListenError, Workers, listening_socket

__all__ = [
    "Access",
    "Limits",
    "ListenError",
    "LiveRulebase",
    "TokenError",
    "create_app",
    "serve",
]

DEFAULT_LOG = ""
"""``decision_log`` default: ``decisions.sqlite3`` in the user's data directory."""


GC_THRESHOLD = 50_000
"""Allocations between young-generation collections once the rule base is loaded (Python's
default is 700). An answer allocates tens of thousands of short-lived objects: with the
default, each request ran dozens of collections; the long-lived rule base is frozen out of
their reach, so a larger threshold only delays work that frees young garbage."""


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
    workers: int = 1,
) -> None:
    """Serve until interrupted, from ``workers`` processes (workers.py) sharing one loaded
    rule base. Raises ``RuleFileError`` if the rules do not compile, ``DecisionLogError`` if
    the decision log cannot be opened, ``TokenError`` if the token file or
    ``OBLIGATE_API_TOKEN`` cannot be used, and ``ListenError`` if N workers cannot listen
    on the address."""
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
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])

    def run(sockets: list[socket.socket] | None, restarted: bool = False) -> None:
        log = open_log(decision_log) if decision_log else None
        if watch:
            if restarted:
                live.reload()  # the parent does not follow the files: catch up first
            live.start_watching()
        _run_uvicorn(
            create_app(live, log, limits=limits, access=access),
            host,
            port,
            limits,
            access_log,
            sockets,
        )

    if workers <= 1:
        run(None)
        return
    if decision_log:
        open_log(decision_log).close()  # a log that cannot be opened stops us before the fork
    sock = listening_socket(host, port)
    print(f"obligate: serving on http://{host}:{port} from {workers} workers", file=sys.stderr)
    try:
        Workers(workers, lambda restarted: run([sock], restarted)).run()
    finally:
        sock.close()


def _run_uvicorn(
    app: FastAPI,
    host: str,
    port: int,
    limits: Limits,
    access_log: bool,
    sockets: list[socket.socket] | None,
) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(limits),  # a deadline for each request head, a connection cap
        access_log=access_log,
        log_level="info",
        backlog=4096,  # a burst of a thousand connections queues instead of being refused
        timeout_keep_alive=limits.keep_alive_seconds,
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=sockets)
