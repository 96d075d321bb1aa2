"""``obligate serve --workers N``: one rule base loaded once, answered by N processes.

An answer is Python work under one interpreter lock, so one process uses one core however
many threads it has. The server loads the rule base, binds the listening socket, and only
then forks the workers: each starts with the loaded rule base already in memory (shared
with the parent page by page until written, and the load's objects are frozen out of the
collector's reach so that collections do not touch them) and accepts from the same socket,
so the kernel hands each new connection to whichever worker takes it first.

Each worker opens its own decision log connection (SQLite serialises the writers of one
file; PostgreSQL takes them side by side) and draws its own decision-id prefix at the fork,
so ids stay unique across workers. A worker that dies is started again, from the parent's
rule base (with ``--watch``, it reloads the rule files first: the parent does not follow
them). SIGINT or SIGTERM to the parent stops every worker gracefully: each writes its queued
records before it exits.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from types import FrameType

QUICK_EXIT_SECONDS = 5.0
"""A worker that dies sooner than this after its start is restarted only after a pause."""
RESTART_PAUSE_SECONDS = 1.0


class ListenError(RuntimeError):
    """The address cannot be listened on (in use, not this machine's, not allowed)."""


def listening_socket(host: str, port: int, backlog: int = 4096) -> socket.socket:
    """The socket every worker accepts from, bound before the workers are forked."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class Workers:
    """Forks ``count`` processes each running ``work(restarted)`` and keeps that many up
    until the parent is told to stop."""

    def __init__(self, count: int, work: Callable[[bool], None]) -> None:
        self.count = count
        self.work = work
        self.stopping = False
        self.started: dict[int, float] = {}  # worker pid: when it was started

    def run(self) -> None:
        """Start the workers and wait; returns once every worker has exited after a stop."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for _ in range(self.count):
                self._start(restarted=False)
            while self.started:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                began = self.started.pop(pid, None)
                if began is None or self.stopping:
                    continue
                print(
                    f"obligate: worker {pid} exited ({_describe(status)}); starting another",
                    file=sys.stderr,
                )
                if time.monotonic() - began < QUICK_EXIT_SECONDS:
                    time.sleep(RESTART_PAUSE_SECONDS)  # a worker failing at start: no busy loop
                if not self.stopping:
                    self._start(restarted=True)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _start(self, restarted: bool) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                self.work(restarted)
            except BaseException:  # noqa: BLE001 - a worker reports and exits, never returns
                traceback.print_exc(file=sys.stderr)
                code = 1
            finally:
                sys.stderr.flush()
                sys.stdout.flush()
                os._exit(code)  # never back into the parent's code
        self.started[pid] = time.monotonic()

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        """Stop every worker: each finishes its requests and writes its queued records."""
        self.stopping = True
        for pid in list(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
