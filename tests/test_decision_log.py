"""The decision log on both backends (SQLite file, real PostgreSQL server): records round-trip
whole, nothing is lost when many threads record at once, a failing database fails the
caller instead of dropping the record, and `obligate log` lists and exports."""

from __future__ import annotations

import concurrent.futures
import csv
import datetime as dt
import io
import json
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from obligate.interfaces import decision_log as dl
from obligate.interfaces.cli import app
from serving import postgres_dsn


def record(number: int, duties: Sequence[str] = ("X-ONE", "X-TWO")) -> dl.DecisionRecord:
    return dl.DecisionRecord(
        id=uuid.uuid4().hex,
        recorded_at=dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=number),
        rulebase_version="abc123",
        query={
            "service": {"types": ["social_media"]},
            "user": {"age": number % 18, "location": "DE"},
            "date": "2026-06-01",
        },
        duty_ids=tuple(duties),
    )


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    import psycopg

    dsn = postgres_dsn()
    name = f"obligate_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base, _, _old = dsn.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a test's log lives; PostgreSQL tests start from an empty table."""
    if request.param == "sqlite":
        yield str(tmp_path / "decisions.sqlite3")
        return
    dsn = request.getfixturevalue("postgres_database")
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {dl.TABLE}")
    yield dsn


def test_records_round_trip_whole(target: str) -> None:
    written = [record(n) for n in range(5)] + [record(9, duties=())]
    log = dl.open_log(target)
    for entry in written:
        log.submit(entry).result(timeout=30)
    log.close()
    with dl.reading(target) as store:
        read = store.read(dl.Selection(newest_first=False))
    assert read == written


def test_many_threads_lose_nothing(target: str) -> None:
    log = dl.open_log(target)
    threads, per_thread = 8, 250
    futures: list[concurrent.futures.Future[None]] = []
    lock = threading.Lock()

    def submit_some(offset: int) -> None:
        for n in range(per_thread):
            future = log.submit(record(offset * per_thread + n))
            with lock:
                futures.append(future)

    workers = [threading.Thread(target=submit_some, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    concurrent.futures.wait(futures, timeout=60)
    assert all(f.exception() is None for f in futures)
    log.close()
    with dl.reading(target) as store:
        assert store.count() == threads * per_thread
        assert len({r.id for r in store.read(dl.Selection())}) == threads * per_thread
    assert log.written == threads * per_thread


def test_close_writes_every_queued_record(target: str) -> None:
    log = dl.open_log(target)
    futures = [log.submit(record(n)) for n in range(300)]
    log.close()  # without waiting for the futures first
    assert all(f.done() and f.exception() is None for f in futures)
    with dl.reading(target) as store:
        assert store.count() == 300
    refused = log.submit(record(1))
    assert isinstance(refused.exception(timeout=1), dl.DecisionLogError)


def test_a_record_written_twice_is_kept_once(target: str) -> None:
    entry = record(1)
    store = dl.open_store(target)
    store.write([entry])
    store.write([entry, record(2)])  # a retried batch after a lost acknowledgement
    assert store.count() == 2
    store.close()


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (dl.Selection(limit=2), [4, 3]),
        (dl.Selection(limit=2, newest_first=False), [0, 1]),
        (dl.Selection(since=dt.datetime(2026, 6, 1, 12, 0, 3, tzinfo=dt.UTC)), [4, 3]),
        (dl.Selection(until=dt.datetime(2026, 6, 1, 12, 0, 1, tzinfo=dt.UTC)), [0]),
        (dl.Selection(duty="X-ODD"), [3, 1]),
    ],
)
def test_selections(target: str, selection: dl.Selection, expected: list[int]) -> None:
    entries = [record(n, ("X-ONE", "X-ODD") if n % 2 else ("X-ONE",)) for n in range(5)]
    store = dl.open_store(target)
    store.write(entries)
    found = store.read(selection)
    store.close()
    assert [entries.index(r) for r in found] == expected


class BrokenStore:
    """A database that refuses every write, as a full disk or a dropped server does."""

    target = "broken"

    def __init__(self) -> None:
        self.attempts = 0

    def write(self, records: Sequence[dl.DecisionRecord]) -> None:
        self.attempts += 1
        raise OSError("disk full")

    def read(self, selection: dl.Selection) -> list[dl.DecisionRecord]:
        return []

    def count(self) -> int:
        return 0

    def close(self) -> None:
        pass


def test_a_failing_database_fails_the_caller_after_retries() -> None:
    store = BrokenStore()
    log = dl.DecisionLog(store)
    future = log.submit(record(1))
    assert isinstance(future.exception(timeout=30), dl.DecisionLogError)
    assert store.attempts == dl.WRITE_ATTEMPTS
    assert not log.healthy
    assert log.failed == 1
    log.close()


# ---------------------------------------------------------------- obligate log


@pytest.fixture
def filled(target: str) -> str:
    store = dl.open_store(target)
    store.write([record(n, ("X-ONE", "X-ODD") if n % 2 else ("X-ONE",)) for n in range(4)])
    store.close()
    return target


def test_log_list_shows_the_newest_first(filled: str) -> None:
    result = CliRunner().invoke(app, ["log", "list", "--decision-log", filled, "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "3 records shown" in result.output
    assert result.output.count("abc123") == 3


@pytest.mark.parametrize("output_format", ["jsonl", "json", "csv"])
def test_log_export_formats(filled: str, output_format: str, tmp_path: Path) -> None:
    out = tmp_path / f"export.{output_format}"
    result = CliRunner().invoke(
        app,
        ["log", "export", "--decision-log", filled, "--format", output_format, "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if output_format == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
    elif output_format == "json":
        rows = json.loads(text)
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            row["duty_ids"] = row["duty_ids"].split()
            row["query"] = json.loads(row["query"])
    assert [r["query"]["user"]["age"] for r in rows] == [0, 1, 2, 3]  # oldest first
    assert [r["duty_ids"] for r in rows][:2] == [["X-ONE"], ["X-ONE", "X-ODD"]]
    assert all(r["rulebase_version"] == "abc123" for r in rows)


def test_log_export_filters_by_duty_and_time(filled: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "log",
            "export",
            "--decision-log",
            filled,
            "--duty",
            "X-ODD",
            "--since",
            "2026-06-01T12:00:02",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["query"]["user"]["age"] for r in rows] == [3]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["log", "list", "--decision-log", "/nonexistent/decisions.sqlite3"], "no such file"),
        (["log", "export", "--format", "xml"], "'xml' is not one of 'jsonl'"),
        (["log", "list", "--since", "yesterday"], "--since: not a date"),
    ],
)
def test_log_errors_name_the_option(arguments: list[str], words: str, tmp_path: Path) -> None:
    store = dl.open_store(tmp_path / "empty.sqlite3")
    store.close()
    if "--decision-log" not in arguments:
        arguments = [*arguments, "--decision-log", str(tmp_path / "empty.sqlite3")]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2
    assert words in result.output


def test_postgres_password_is_not_shown() -> None:
    assert dl._redact("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert dl._redact("postgresql://me@db/x") == "postgresql://me@db/x"


# ---------------------------------------------------------------- versions in each record


def test_a_record_keeps_the_versions_its_answer_was_given_under(target: str) -> None:
    import obligate

    rulebase = obligate.load()
    answer = rulebase.determine(
        {"types": ["social_media"]}, {"age": 15, "location": "DE"}, "2026-06-01"
    )
    log = dl.open_log(target)
    log.submit(dl.DecisionRecord.of(answer)).result(timeout=30)
    log.close()
    with dl.reading(target) as store:
        (read,) = store.read(dl.Selection())
    assert read.rulebase == answer.rulebase.model_dump(mode="json")
    assert read.rulebase["engine"] == obligate.__version__
    assert read.rulebase["libraries"][0]["name"] == "obligate-rules"
    exported = json.loads(dl.export_text([read], "jsonl"))
    assert exported["rulebase"]["libraries"][0]["law_read"]
    assert "obligate-rules" in dl.export_text([read], "csv")


def test_a_log_from_before_versions_were_kept_gains_the_column(target: str) -> None:
    legacy = (
        f"CREATE TABLE {dl.TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL "
        "UNIQUE, recorded_at TEXT NOT NULL, rulebase_version TEXT NOT NULL, query TEXT NOT "
        "NULL, duty_ids TEXT NOT NULL)"
    )
    old = record(1)
    row = (old.id, old.time_text, old.rulebase_version, json.dumps(old.query), '["X-ONE", "X-TWO"]')
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as connection:
            connection.execute(
                legacy.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
                .replace("query TEXT", "query JSONB")
                .replace("duty_ids TEXT", "duty_ids JSONB")
            )
            connection.execute(
                f"INSERT INTO {dl.TABLE} (id, recorded_at, rulebase_version, query, duty_ids) "
                "VALUES (%s, %s, %s, %s, %s)",
                row,
            )
    else:
        import sqlite3

        with sqlite3.connect(target) as connection:
            connection.execute(legacy)
            connection.execute(
                f"INSERT INTO {dl.TABLE} (id, recorded_at, rulebase_version, query, duty_ids) "
                "VALUES (?, ?, ?, ?, ?)",
                row,
            )
    log = dl.open_log(target)
    log.submit(record(2)).result(timeout=30)
    log.close()
    with dl.reading(target) as store:
        first, second = store.read(dl.Selection(newest_first=False))
    assert first.id == old.id and first.rulebase == {}
    assert second.rulebase == {}  # record() gives none; the column now exists and reads back
