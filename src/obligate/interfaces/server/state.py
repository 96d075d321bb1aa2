"""The rule base a server answers from, swapped whole when the rule files change.

A request reads ``LiveRulebase.current`` once and answers from that snapshot, so it never
sees a half-loaded rule base: a reload compiles a complete new ``RuleBase`` first and only
then replaces the reference (one assignment). A change that does not compile leaves the old
rule base serving and keeps the diagnostics for ``GET /v1/rulebase``; so does a reload that
fails in any other way (a rule base too deep for the engine, a bug): the watcher survives every
error, and ``/healthz`` reports a failed reload or a stopped watcher.

A reload under ``--watch`` waits until the rule files have been still for ``settle_seconds``
and compiles only then, and swaps the result in only if no file changed while it compiled: an
editor's slow, non-atomic save is never served half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from obligate.determination.rulebase import RuleBase, load
from obligate.language.diagnostics import Diagnostic, RuleFileError, render_all
from obligate.language.release import expand

WATCH_DEBOUNCE_MS = 300
SETTLE_SECONDS = 1.0
"""A change is compiled once no rule file has changed for this long."""
SETTLE_ROUNDS = 30
"""Files still changing after this many waits are compiled anyway (and checked again after)."""
SETTLE_ATTEMPTS = 5
"""Compiles of a changing library before the reload is given up (and reported failed)."""
WATCH_RESTARTS = 5
"""The watcher itself (inotify) is restarted this many times before it is reported stopped."""

FileStamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Snapshot:
    """One loaded rule base and when it was loaded."""

    rulebase: RuleBase
    loaded_at: dt.datetime
    load_seconds: float


@dataclass(frozen=True)
class ReloadOutcome:
    at: dt.datetime
    ok: bool
    seconds: float
    version: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rendered: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LiveRulebase:
    """The current rule base, reloaded on demand or when the watched files change."""

    def __init__(
        self, paths: Sequence[str | os.PathLike[str]], settle_seconds: float = SETTLE_SECONDS
    ) -> None:
        # no paths: the shipped rule library (and "@shipped" stands for it among others)
        self.paths = [Path(p) for p in expand(paths)]
        self.settle_seconds = settle_seconds
        self.watch_error: str | None = None
        self.restart_pause = 0.5  # seconds before the first restart of a failed watcher
        started = time.perf_counter()
        rulebase = load(*self.paths)  # raises RuleFileError: the caller reports it
        self.current = Snapshot(rulebase, _now(), time.perf_counter() - started)
        self.last_reload: ReloadOutcome | None = None
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def watching(self) -> bool:
        return self._watcher is not None and self._watcher.is_alive()

    @property
    def reload_state(self) -> str:
        """``off`` (not watching, no reload yet), ``ok``, ``failed`` (the latest reload did
        not load: the previous rule base serves) or ``stopped`` (the watcher died)."""
        if self.watch_error is not None:
            return "stopped"
        if self.last_reload is not None and not self.last_reload.ok:
            return "failed"
        if self.last_reload is None and not self.watching:
            return "off"
        return "ok"

    def reload(self, settle: bool = False) -> ReloadOutcome:
        """Compile the rule files again; swap the rule base in only if they compile (and,
        with ``settle``, only once they have stopped changing). Never raises."""
        with self._reload_lock:
            started = time.perf_counter()
            try:
                outcome = self._reload(started, settle)
            except RuleFileError as error:
                outcome = ReloadOutcome(
                    at=_now(),
                    ok=False,
                    seconds=time.perf_counter() - started,
                    diagnostics=list(error.diagnostics),
                    rendered=render_all(error.diagnostics, error.sources),
                )
            except Exception as exc:  # noqa: BLE001 - anything else keeps the old rule base
                traceback.print_exc(file=sys.stderr)
                outcome = ReloadOutcome(
                    at=_now(),
                    ok=False,
                    seconds=time.perf_counter() - started,
                    rendered=f"the rule files could not be loaded: {type(exc).__name__}: "
                    f"{str(exc)[:500]}",
                )
            self.last_reload = outcome
            return outcome

    def _reload(self, started: float, settle: bool) -> ReloadOutcome:
        for _attempt in range(SETTLE_ATTEMPTS):
            before = self._settled() if settle else None
            rulebase = load(*self.paths)
            if before is not None and self._stamp() != before:
                continue  # a file changed while it compiled: compile again once still
            seconds = time.perf_counter() - started
            if rulebase.version != self.current.rulebase.version:
                self.current = Snapshot(rulebase, _now(), seconds)
            return ReloadOutcome(at=_now(), ok=True, seconds=seconds, version=rulebase.version)
        return ReloadOutcome(
            at=_now(),
            ok=False,
            seconds=time.perf_counter() - started,
            rendered="the rule files kept changing while they compiled; the previous rule "
            "base still serves",
        )

    def _stamp(self) -> FileStamp:
        """Every rule file's path, size and modification time."""
        found: list[tuple[str, int, int]] = []
        for root in self.paths:
            files = root.rglob("*.obl") if root.is_dir() else [root]
            for file in files:
                try:
                    info = file.stat()
                except OSError:
                    continue
                found.append((str(file), info.st_size, info.st_mtime_ns))
        return tuple(sorted(found))

    def _settled(self) -> FileStamp:
        """Wait until no rule file has changed for ``settle_seconds``; the files' stamp."""
        stamp = self._stamp()
        for _round in range(SETTLE_ROUNDS):
            if self._stop.wait(self.settle_seconds):
                break
            now = self._stamp()
            if now == stamp:
                break
            stamp = now
        return stamp

    def start_watching(self) -> None:
        """Reload in a background thread whenever a rule file under the paths changes."""
        if self._watcher is not None:
            return
        self._stop.clear()
        self.watch_error = None
        self._watcher = threading.Thread(target=self._watch, name="rule-watcher", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
            self._watcher = None

    def _watch(self) -> None:
        """Watch until stopped; a failing watch is restarted a few times, then reported."""
        failures = 0
        while not self._stop.is_set():
            try:
                self._watch_once()
                return
            except Exception as exc:  # noqa: BLE001 - the watcher must never take the server down
                failures += 1
                print(f"obligate: watching the rule files failed: {exc}", file=sys.stderr)
                if failures > WATCH_RESTARTS:
                    self.watch_error = f"{type(exc).__name__}: {exc}"
                    print("obligate: watching the rule files stopped", file=sys.stderr)
                    return
                self._stop.wait(min(30.0, self.restart_pause * 2**failures))

    def _watch_once(self) -> None:
        from watchfiles import watch

        def is_rule_file(_change: object, path: str) -> bool:
            return path.endswith(".obl")

        for _changes in watch(
            *self.paths,
            watch_filter=is_rule_file,
            stop_event=self._stop,
            debounce=WATCH_DEBOUNCE_MS,
            raise_interrupt=False,
        ):
            outcome = self.reload(settle=True)
            state = f"now {outcome.version}" if outcome.ok else "did not load"
            print(f"obligate: rule files changed; {state}", file=sys.stderr)
