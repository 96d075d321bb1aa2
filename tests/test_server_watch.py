"""`obligate serve --watch`: a rule change is picked up; a change that does not compile leaves
the old rule base serving and shows its diagnostics at GET /v1/rulebase; and no request ever
sees a half-loaded rule base (every answer is exactly some complete version's answer)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import obligate
from serving import ROOT, Server

MINI = ROOT / "tests" / "fixtures" / "mini"
QUERY = {"user": {"age": 13, "location": "XA"}, "date": "2026-06-01"}
WAIT_SECONDS = 60


def wait_for(what: str, condition: Callable[[], Any]) -> Any:
    """Poll until ``condition`` gives something true (a wait with a deadline, not a timing)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def consent_age(rules: Path, age: int) -> None:
    """Set State A's digital consent age (13 in the fixture): at 14, a 13-year-old in XA
    needs parental consent (X-CONSENT applies); at 13 it does not."""
    world = rules / "world.obl"
    text = world.read_text(encoding="utf-8")
    before = text.split("jurisdiction XB", 1)
    before[0] = (
        before[0]
        .replace("digital_consent_age: 13 under", f"digital_consent_age: {age} under")
        .replace("digital_consent_age: 14 under", f"digital_consent_age: {age} under")
    )
    world.write_text("jurisdiction XB".join(before), encoding="utf-8")


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(MINI, copy)
    return copy


@pytest.fixture
def server(rules: Path, tmp_path: Path) -> Iterator[Server]:
    # A compile cache of its own: the cache is keyed by file contents, and another test's
    # copy of the same files would hand back its own paths as the answers' sources.
    with Server(
        "--watch",
        "--decision-log",
        str(tmp_path / "log.sqlite3"),
        rules=rules,
        cache=tmp_path / "cache",
    ) as up:
        yield up


def version(http: httpx.Client) -> str:
    return str(http.get("/v1/rulebase").json()["version"])


def test_a_change_is_served_and_a_broken_change_is_not(server: Server, rules: Path) -> None:
    with server.client() as http:
        first = version(http)
        answer = http.post("/v1/determine", json=QUERY).json()
        assert "X-CONSENT" not in {d["id"] for d in answer["duties"]}
        assert http.get("/v1/rulebase").json()["watching"] is True

        consent_age(rules, 14)
        second = wait_for("the new version", lambda: version(http) != first and version(http))
        answer = http.post("/v1/determine", json=QUERY).json()
        assert answer["rulebase"]["version"] == second
        assert "X-CONSENT" in {d["id"] for d in answer["duties"]}

        world = rules / "world.obl"
        world.write_text(world.read_text() + "\nobligation BROKEN {\n", encoding="utf-8")
        failed = wait_for(
            "the failed reload",
            lambda: (
                (info := http.get("/v1/rulebase").json())["last_reload"]
                and not info["last_reload"]["ok"]
                and info
            ),
        )
        assert failed["version"] == second  # the old rule base still serves
        diagnostics = failed["last_reload"]["diagnostics"]
        assert diagnostics and diagnostics[0]["file"].endswith("world.obl")
        assert "error[" in failed["last_reload"]["rendered"]
        still = http.post("/v1/determine", json=QUERY)
        assert still.status_code == 200
        assert still.json()["rulebase"]["version"] == second

        world.write_text(world.read_text().replace("\nobligation BROKEN {\n", ""), "utf-8")
        wait_for(
            "the repaired reload", lambda: http.get("/v1/rulebase").json()["last_reload"]["ok"]
        )


def test_no_request_sees_a_half_loaded_rule_base(server: Server, rules: Path) -> None:
    """Answers while the rules flip between two versions: each answer is byte for byte the
    answer of the version it names."""
    expected: dict[str, dict[str, Any]] = {}
    for age in (13, 14):
        consent_age(rules, age)
        base = obligate.load(rules, use_cache=False)
        expected[base.version] = base.determine(None, QUERY["user"], QUERY["date"]).to_dict()
    consent_age(rules, 13)

    answers: list[dict[str, Any]] = []
    stop = threading.Event()

    def ask() -> None:
        with server.client() as http:
            while not stop.is_set():
                response = http.post("/v1/determine", json=QUERY)
                assert response.status_code == 200, response.text
                answers.append(response.json())

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for asker in askers:
        asker.start()
    try:
        with server.client() as http:
            for flip in range(6):
                age = 14 if flip % 2 == 0 else 13
                consent_age(rules, age)
                target = next(v for v, a in expected.items() if _consent(a) == (age == 14))
                wait_for(f"version {target}", lambda t=target: version(http) == t)
    finally:
        stop.set()
        for asker in askers:
            asker.join()
    seen = {a["rulebase"]["version"] for a in answers}
    assert seen == set(expected)
    for answer in answers:
        assert answer == expected[answer["rulebase"]["version"]]


def _consent(answer: dict[str, Any]) -> bool:
    return "X-CONSENT" in {d["id"] for d in answer["duties"]}
