"""`--watch` survives anything (issue 18, points 2 and 8): a reload that fails in a way other
than a rule-file error keeps the old rule base and is reported by /healthz; a watcher that
dies is reported as stopped; and a slow, non-atomic save is never served half-written."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import obligate
from obligate.interfaces.server import state
from obligate.interfaces.server.state import LiveRulebase
from serving import ROOT, Server
from test_server_watch import QUERY, consent_age, version, wait_for

MINI = ROOT / "tests" / "fixtures" / "mini"
DUTY = """obligation X-EXTRA-{n} "Extra duty {n}" {{
  category: parental_consent
  cites: X-DATA "Art. 8(1)"
  when: user.age < {n}
}}
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(MINI, copy)
    return copy


def test_a_reload_that_fails_unexpectedly_keeps_the_old_rule_base(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveRulebase([rules])
    serving = live.current
    assert live.reload_state == "off"

    def too_deep(*_paths: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(state, "load", too_deep)
    outcome = live.reload()  # raised RecursionError out of reload before
    assert not outcome.ok
    assert outcome.rendered is not None and "RecursionError" in outcome.rendered
    assert live.current is serving
    assert live.reload_state == "failed"
    monkeypatch.undo()
    assert live.reload().ok
    assert live.reload_state == "ok"


def test_a_watcher_that_dies_is_reported_stopped(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveRulebase([rules])
    live.restart_pause = 0.001

    def broken(_self: LiveRulebase) -> None:
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(LiveRulebase, "_watch_once", broken)
    live.start_watching()
    try:
        wait_for("the watcher to give up", lambda: live.reload_state == "stopped")
        assert live.watch_error is not None and "inotify" in live.watch_error
        assert not live.watching
    finally:
        live.stop_watching()


@pytest.fixture
def server(rules: Path, tmp_path: Path) -> Iterator[Server]:
    with Server("--watch", "--no-decision-log", rules=rules, cache=tmp_path / "cache") as up:
        yield up


def _health(http: httpx.Client) -> dict[str, Any]:
    return dict(http.get("/healthz").json())


@pytest.mark.parametrize(
    "bad",
    [
        "  when: " + "not " * 3000 + "user.age < 13\n",  # RecursionError in the compiler
        "  when: service.employees < 99999999999999999999\n",  # refused by the engine
    ],
    ids=["deep-not-chain", "beyond-int64"],
)
def test_the_watcher_survives_a_file_it_cannot_load(server: Server, rules: Path, bad: str) -> None:
    with server.client() as http:
        first = version(http)
        assert _health(http)["reload"] == "ok"
        (rules / "bad.obl").write_text(
            'obligation X-BAD "bad" {\n  category: parental_consent\n'
            '  cites: X-DATA "Art. 8(1)"\n' + bad + "}\n",
            encoding="utf-8",
        )
        health = wait_for(
            "the failed reload", lambda: (h := _health(http))["reload"] == "failed" and h
        )
        assert health["status"] == "degraded"
        assert version(http) == first
        (rules / "bad.obl").unlink()
        consent_age(rules, 14)  # a good edit afterwards is still picked up
        wait_for("the next version", lambda: version(http) != first)
        assert _health(http) | {"rulebase": None} == {
            "status": "ok",
            "rulebase": None,
            "decision_log": "off",
            "reload": "ok",
        }


def test_a_slow_save_is_never_served_half_written(server: Server, rules: Path) -> None:
    """The file is written in two parts 0.4 s apart (an editor's slow, non-atomic save):
    the library with only the first part must never serve."""
    full = "".join(DUTY.format(n=n) for n in (10, 11, 12, 14))
    half = full[: full.index("obligation X-EXTRA-12")]
    partial_copy = rules.parent / "partial"
    shutil.copytree(rules, partial_copy)
    (partial_copy / "extra.obl").write_text(half, encoding="utf-8")
    partial_version = obligate.load(partial_copy, use_cache=False).version
    seen: set[str] = set()
    stop = threading.Event()

    def watch_versions() -> None:
        with server.client() as http:
            while not stop.is_set():
                seen.add(http.post("/v1/determine", json=QUERY).json()["rulebase"]["version"])

    watcher = threading.Thread(target=watch_versions)
    watcher.start()
    try:
        with server.client() as http:
            first = version(http)
            with (rules / "extra.obl").open("w", encoding="utf-8") as handle:
                handle.write(half)
                handle.flush()
                time.sleep(0.4)  # the writer's pause (not a timed assertion)
                handle.write(full[len(half) :])
            wait_for("the full library", lambda: version(http) != first)
            final = version(http)
    finally:
        stop.set()
        watcher.join()
    assert partial_version not in seen
    assert final == obligate.load(rules, use_cache=False).version
