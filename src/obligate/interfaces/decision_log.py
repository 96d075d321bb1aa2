"""The decision log: every answered determination, recorded (when, the query, the rule-base
version, the duty ids) in SQLite by default or in PostgreSQL.

One writer thread owns the database connection and commits entries in batches (group
commit). ``DecisionLog.submit`` returns a future that resolves once the entry's transaction
has committed, so a server that waits for it before answering never sends an answer whose
record could still be lost. Each record is one row inserted inside one transaction, so a
record is either there whole or not there; an entry retried after a failed commit is not
written twice (its id is unique).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import itertools
import json
import queue
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from obligate.determination.answer import Determination

TABLE = "obligate_decisions"
BATCH_SIZE = 512
WRITE_ATTEMPTS = 4
RETRY_PAUSE_SECONDS = (0.05, 0.25, 1.0)
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


# Record ids: 16 random hex digits drawn once per process, then a counter. Unique across
# processes and restarts without a system call per record (os.urandom costs about 30 µs a
# call on a sandboxed machine, a tenth of an answer).
_ID_PREFIX = uuid.uuid4().hex[:16]
_ID_COUNTER = itertools.count()


def new_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


class DecisionLogError(RuntimeError):
    """The decision log cannot be opened, read or written."""


@dataclass(frozen=True)
class DecisionRecord:
    """One answered determination."""

    id: str
    recorded_at: dt.datetime  # UTC
    rulebase_version: str
    query: dict[str, Any]
    duty_ids: tuple[str, ...]

    @classmethod
    def of(cls, answer: Determination) -> DecisionRecord:
        return cls(
            id=new_id(),
            recorded_at=dt.datetime.now(dt.UTC),
            rulebase_version=answer.rulebase.version,
            query=answer.query,
            duty_ids=tuple(answer.duty_ids),
        )

    @property
    def time_text(self) -> str:
        return self.recorded_at.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time_text,
            "rulebase_version": self.rulebase_version,
            "query": self.query,
            "duty_ids": list(self.duty_ids),
        }


@dataclass(frozen=True)
class Selection:
    """Which records to read: a time window, a duty, a count (newest first, or oldest first)."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    duty: str | None = None
    limit: int | None = None
    newest_first: bool = True


# ---------------------------------------------------------------- stores


class Store(Protocol):
    """A database holding the records. Connections are used from one thread at a time."""

    target: str

    def write(self, records: Sequence[DecisionRecord]) -> None:
        """Insert the records in one transaction (all or none)."""

    def read(self, selection: Selection) -> list[DecisionRecord]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def _parse_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _loads(value: Any) -> Any:
    # PostgreSQL hands JSONB back decoded; SQLite hands back the text.
    return json.loads(value) if isinstance(value, str) else value


def _record(row: Sequence[Any]) -> DecisionRecord:
    return DecisionRecord(
        id=str(row[0]),
        recorded_at=_parse_time(row[1]),
        rulebase_version=str(row[2]),
        query=_loads(row[3]),
        duty_ids=tuple(_loads(row[4])),
    )


class SQLiteStore:
    """A SQLite file in write-ahead-log mode; readers never block the writer."""

    def __init__(self, path: str | Path) -> None:
        self.target = str(path)
        self.path = Path(path)
        try:
            if self.path.parent != Path():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed record survives a power cut too; group commit pays for it.
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.executescript(
                f"""
                CREATE TABLE IF NOT EXISTS {TABLE} (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    recorded_at TEXT NOT NULL,
                    rulebase_version TEXT NOT NULL,
                    query TEXT NOT NULL,
                    duty_ids TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS {TABLE}_recorded_at ON {TABLE} (recorded_at);
                """
            )
        except sqlite3.Error as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc}") from None

    def write(self, records: Sequence[DecisionRecord]) -> None:
        rows = [
            (
                r.id,
                r.time_text,
                r.rulebase_version,
                json.dumps(r.query, sort_keys=True, ensure_ascii=False),
                json.dumps(list(r.duty_ids)),
            )
            for r in records
        ]
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                f"INSERT OR IGNORE INTO {TABLE} "
                "(id, recorded_at, rulebase_version, query, duty_ids) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def read(self, selection: Selection) -> list[DecisionRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        if selection.since is not None:
            clauses.append("recorded_at >= ?")
            params.append(_parse_time(selection.since).isoformat(timespec="microseconds"))
        if selection.until is not None:
            clauses.append("recorded_at < ?")
            params.append(_parse_time(selection.until).isoformat(timespec="microseconds"))
        if selection.duty is not None:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each({TABLE}.duty_ids) WHERE value = ?)")
            params.append(selection.duty)
        sql = f"SELECT id, recorded_at, rulebase_version, query, duty_ids FROM {TABLE}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY seq DESC" if selection.newest_first else " ORDER BY seq"
        if selection.limit is not None:
            sql += f" LIMIT {int(selection.limit)}"
        try:
            return [_record(row) for row in self._connection.execute(sql, params)]
        except sqlite3.Error as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc}") from None

    def count(self) -> int:
        return int(self._connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])

    def close(self) -> None:
        self._connection.close()


class PostgresStore:
    """A PostgreSQL table (created when missing); query and duty ids are JSONB."""

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise DecisionLogError("PostgreSQL needs the psycopg package") from None
        self._psycopg = psycopg
        self.target = _redact(dsn)
        self._dsn = dsn
        self._connection: Any = self._connect()
        connection = self._connection
        with connection.transaction():
            connection.execute(
                f"""
                CREATE TABLE IF NOT EXISTS {TABLE} (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    recorded_at TIMESTAMPTZ NOT NULL,
                    rulebase_version TEXT NOT NULL,
                    query JSONB NOT NULL,
                    duty_ids JSONB NOT NULL
                )
                """
            )
            connection.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_recorded_at ON {TABLE} (recorded_at)"
            )

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._dsn, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc}".strip()) from None

    def write(self, records: Sequence[DecisionRecord]) -> None:
        from psycopg.types.json import Jsonb

        if self._connection is None or self._connection.closed:
            self._connection = self._connect()
        rows = [
            (r.id, r.recorded_at, r.rulebase_version, Jsonb(r.query), Jsonb(list(r.duty_ids)))
            for r in records
        ]
        try:
            with self._connection.transaction(), self._connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (id, recorded_at, rulebase_version, query, duty_ids) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    rows,
                )
        except self._psycopg.OperationalError:
            # The connection is gone: drop it so that the next attempt reconnects.
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
            raise

    def read(self, selection: Selection) -> list[DecisionRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        if selection.since is not None:
            clauses.append("recorded_at >= %s")
            params.append(_parse_time(selection.since))
        if selection.until is not None:
            clauses.append("recorded_at < %s")
            params.append(_parse_time(selection.until))
        if selection.duty is not None:
            clauses.append("duty_ids @> %s::jsonb")
            params.append(json.dumps([selection.duty]))
        sql = f"SELECT id, recorded_at, rulebase_version, query, duty_ids FROM {TABLE}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY seq DESC" if selection.newest_first else " ORDER BY seq"
        if selection.limit is not None:
            sql += f" LIMIT {int(selection.limit)}"
        try:
            return [_record(row) for row in self._connection.execute(sql, params).fetchall()]
        except self._psycopg.Error as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc}") from None

    def count(self) -> int:
        return int(self._connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _redact(dsn: str) -> str:
    """The DSN without its password, for messages."""
    scheme, _, rest = dsn.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return dsn
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else dsn


def is_postgres(target: str) -> bool:
    return target.startswith(POSTGRES_PREFIXES)


def open_store(target: str | Path) -> Store:
    """A SQLite file path, or a ``postgresql://`` DSN."""
    text = str(target)
    if is_postgres(text):
        return PostgresStore(text)
    return SQLiteStore(text)


# ---------------------------------------------------------------- the writer


@dataclass
class _Pending:
    record: DecisionRecord
    done: concurrent.futures.Future[None] = field(default_factory=concurrent.futures.Future)


_STOP = object()


class DecisionLog:
    """Records determinations through one writer thread that commits in batches."""

    def __init__(self, store: Store, batch_size: int = BATCH_SIZE) -> None:
        self.store = store
        self.batch_size = batch_size
        self.written = 0
        self.failed = 0
        self._last_commit_ok = True
        self._queue: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._closed = False
        self._writer = threading.Thread(target=self._run, name="decision-log", daemon=True)
        self._writer.start()

    @property
    def target(self) -> str:
        return self.store.target

    @property
    def healthy(self) -> bool:
        """The writer runs and its latest commit succeeded."""
        return self._writer.is_alive() and not self._closed and self._last_commit_ok

    def submit(self, record: DecisionRecord) -> concurrent.futures.Future[None]:
        """Queue a record; the future resolves when it is committed (or fails if it cannot
        be written)."""
        pending = _Pending(record)
        if self._closed:
            pending.done.set_exception(DecisionLogError("the decision log is closed"))
        else:
            self._queue.put(pending)
        return pending.done

    async def record(self, record: DecisionRecord) -> None:
        """Record and wait, without blocking the event loop, until the record is committed."""
        await asyncio.wrap_future(self.submit(record))

    def close(self) -> None:
        """Write every queued record, then stop the writer and close the database."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._writer.join()
        self.store.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[_Pending] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                elif isinstance(item, _Pending):
                    batch.append(item)
                if len(batch) >= self.batch_size:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        records = [p.record for p in batch]
        error: Exception | None = None
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self.store.write(records)
            except Exception as exc:  # a database error of either backend
                error = exc
                if attempt < len(RETRY_PAUSE_SECONDS):
                    time.sleep(RETRY_PAUSE_SECONDS[attempt])
                continue
            self.written += len(batch)
            self._last_commit_ok = True
            for pending in batch:
                pending.done.set_result(None)
            return
        self.failed += len(batch)
        self._last_commit_ok = False
        print(
            f"obligate: decision log {self.target}: {len(batch)} records not written: {error}",
            file=sys.stderr,
        )
        failure = DecisionLogError(f"the decision log could not be written: {error}")
        for pending in batch:
            pending.done.set_exception(failure)


def open_log(target: str | Path) -> DecisionLog:
    return DecisionLog(open_store(target))


@contextlib.contextmanager
def reading(target: str | Path) -> Iterator[Store]:
    """A store opened for reading (``obligate log``), closed afterwards."""
    text = str(target)
    if not is_postgres(text) and not Path(text).exists():
        raise DecisionLogError(f"decision log {text}: no such file")
    store = open_store(text)
    try:
        yield store
    finally:
        store.close()


# ---------------------------------------------------------------- export

EXPORT_FORMATS = ("jsonl", "json", "csv")
CSV_COLUMNS = ("id", "time", "rulebase_version", "location", "age", "date", "duty_ids", "query")


def parse_moment(text: str, field: str) -> dt.datetime:
    """``2026-06-01`` or an ISO date-time; naive times are UTC."""
    try:
        return _parse_time(text)
    except ValueError:
        raise DecisionLogError(
            f"{field}: not a date or time (found {text!r}); accepted: YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SS"
        ) from None


def export_text(records: Sequence[DecisionRecord], output_format: str) -> str:
    """Records as JSON Lines, one JSON array, or CSV (duty ids joined by spaces)."""
    if output_format == "jsonl":
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    if output_format == "json":
        return json.dumps([r.to_dict() for r in records], indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for r in records:
            user = r.query.get("user", {})
            writer.writerow(
                [
                    r.id,
                    r.time_text,
                    r.rulebase_version,
                    user.get("location", ""),
                    user.get("age", ""),
                    r.query.get("date", ""),
                    " ".join(r.duty_ids),
                    json.dumps(r.query, sort_keys=True, ensure_ascii=False),
                ]
            )
        return buffer.getvalue()
    raise DecisionLogError(
        f"--format: unknown format {output_format!r}; accepted: {', '.join(EXPORT_FORMATS)}"
    )
