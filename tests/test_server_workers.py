"""`obligate serve --workers N` on loopback: the workers share one port and all answer, each
decision-log record keeps an id of its own across workers, and a worker that dies is
replaced. With them, the pieces the server answers with: the compact wire JSON says what the
contract JSON says, and a repeated request body is answered from the recent answers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from obligate import RuleBase, load
from obligate.interfaces.decision_log import TABLE
from obligate.interfaces.server.render import determination_json
from obligate.interfaces.server.routes.answers import RecentBodies
from obligate.interfaces.server.state import Snapshot
from serving import HOST, ROOT, Server, obligate_command, post_at_once

MINI = ROOT / "tests" / "fixtures" / "mini"
ROUNDS = 40
"""Batches of simultaneous connections sent until a second worker has answered."""


def body(index: int) -> bytes:
    return json.dumps(
        {
            "service": {"employees": 10 + index},
            "user": {"age": index % 18, "location": "XA"},
            "date": "2026-06-01",
        }
    ).encode()


def workers_of(server: Server) -> set[int]:
    assert server.process is not None
    pid = server.process.pid
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def test_two_workers_answer_and_every_record_id_is_unique(tmp_path: Path) -> None:
    log = tmp_path / "decisions.sqlite3"
    answered: list[str] = []
    with Server("--workers", "2", "--decision-log", str(log), rules=MINI) as server:
        assert len(workers_of(server)) == 2
        for round_number in range(ROUNDS):
            bodies = [body(round_number * 16 + i) for i in range(16)]
            replies = asyncio.run(post_at_once(server.port, "/v1/determine", bodies))
            assert {status for status, _headers in replies} == {200}
            answered += [headers["x-decision-id"] for _status, headers in replies]
            if len({decision_id[:16] for decision_id in answered}) >= 2:
                break
        assert server.stop() in (0, 130)
    # an id is a per-process prefix and a counter: two prefixes, two processes answered
    assert len({decision_id[:16] for decision_id in answered}) == 2
    with sqlite3.connect(log) as connection:
        recorded = [row[0] for row in connection.execute(f"SELECT id FROM {TABLE}")]
    assert len(set(answered)) == len(answered)
    assert sorted(recorded) == sorted(answered)


def test_a_worker_that_dies_is_replaced() -> None:
    with (
        Server("--workers", "2", "--no-decision-log", rules=MINI) as server,
        server.client() as http,
    ):
        first = workers_of(server)
        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = workers_of(server)
            if killed not in now and len(now) == 2:
                break
            time.sleep(0.1)
        assert killed not in now and len(now) == 2, server.output()
        for index in range(8):
            reply = http.post(
                "/v1/determine",
                content=body(index),
                headers={"content-type": "application/json"},
            )
            assert reply.status_code == 200
        assert f"worker {killed} exited (signal {signal.SIGKILL})" in server.output()


def test_workers_cannot_listen_on_a_port_in_use() -> None:
    with Server("--no-decision-log", rules=MINI) as running:
        taken = subprocess.run(
            [
                *obligate_command(),
                "serve",
                "--rules",
                str(MINI),
                "--host",
                HOST,
                "--port",
                str(running.port),
                "--workers",
                "2",
                "--no-decision-log",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert taken.returncode == 2
    assert f"cannot listen on {HOST}:{running.port}" in taken.stderr


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return load(MINI)


def test_the_wire_json_says_what_the_contract_json_says(mini: RuleBase) -> None:
    for age in range(0, 19, 3):
        answer = mini.determine({"employees": 5}, {"age": age, "location": "XA"}, "2026-06-01")
        wire = json.loads(determination_json(answer))
        contract = json.loads(answer.to_json())
        assert wire == contract
        assert list(wire) == list(contract)  # the keys in the same order too


def test_a_repeated_body_is_answered_from_the_recent_answers(mini: RuleBase) -> None:
    import datetime as dt

    snapshot = Snapshot(mini, dt.datetime.now(dt.UTC), 0.0)
    reloaded = Snapshot(mini, dt.datetime.now(dt.UTC), 0.0)
    recent = RecentBodies(size=2, max_body=1000)
    answers = [
        mini.determine({}, {"age": age, "location": "XA"}, "2026-06-01") for age in (10, 11, 12)
    ]
    recent.keep(body(0), snapshot, answers[0])
    assert recent.answer(body(0), snapshot) is answers[0]
    assert recent.answer(body(0), reloaded) is None  # another rule base: asked again
    recent.keep(body(1), snapshot, answers[1])
    recent.keep(body(2), snapshot, answers[2])
    assert recent.answer(body(0), snapshot) is None  # the oldest made room
    assert recent.answer(body(2), snapshot) is answers[2]
    recent.keep(b" " * 1001, snapshot, answers[0])
    assert recent.answer(b" " * 1001, snapshot) is None  # a body too large is not kept
