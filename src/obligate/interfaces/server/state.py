"""The rule base a server answers from, swapped whole when the rule files change.

A request reads ``LiveRulebase.current`` once and answers from that snapshot, so it never
sees a half-loaded rule base: a reload compiles a complete new ``RuleBase`` first and only
then replaces the reference (one assignment). A change that does not compile leaves the old
rule base serving and keeps the diagnostics for ``GET /v1/rulebase``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from obligate.determination.rulebase import RuleBase, load
from obligate.language.diagnostics import Diagnostic, RuleFileError, render_all
from obligate.language.release import expand

WATCH_DEBOUNCE_MS = 300


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

    def __init__(self, paths: Sequence[str | os.PathLike[str]]) -> None:
        # no paths: the shipped rule library (and "@shipped" stands for it among others)
        self.paths = [Path(p) for p in expand(paths)]
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

    def reload(self) -> ReloadOutcome:
        """Compile the rule files again; swap the rule base in only if they compile."""
        with self._reload_lock:
            started = time.perf_counter()
            try:
                rulebase = load(*self.paths)
            except RuleFileError as error:
                outcome = ReloadOutcome(
                    at=_now(),
                    ok=False,
                    seconds=time.perf_counter() - started,
                    diagnostics=list(error.diagnostics),
                    rendered=render_all(error.diagnostics, error.sources),
                )
            else:
                seconds = time.perf_counter() - started
                if rulebase.version != self.current.rulebase.version:
                    self.current = Snapshot(rulebase, _now(), seconds)
                outcome = ReloadOutcome(
                    at=_now(), ok=True, seconds=seconds, version=rulebase.version
                )
            self.last_reload = outcome
            return outcome

    def start_watching(self) -> None:
        """Reload in a background thread whenever a rule file under the paths changes."""
        if self._watcher is not None:
            return
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="rule-watcher", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
            self._watcher = None

    def _watch(self) -> None:
        from watchfiles import watch

        def is_rule_file(_change: object, path: str) -> bool:
            return path.endswith(".obl")

        try:
            for _changes in watch(
                *self.paths,
                watch_filter=is_rule_file,
                stop_event=self._stop,
                debounce=WATCH_DEBOUNCE_MS,
                raise_interrupt=False,
            ):
                outcome = self.reload()
                state = f"now {outcome.version}" if outcome.ok else "did not compile"
                print(f"obligate: rule files changed; {state}", file=sys.stderr)
        except Exception as exc:  # the watcher must never take the server down
            print(f"obligate: watching the rule files stopped: {exc}", file=sys.stderr)
