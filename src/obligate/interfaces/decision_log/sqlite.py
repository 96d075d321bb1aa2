"""The default store: a SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from obligate.interfaces.decision_log.record import (
    DecisionLogError,
    DecisionRecord,
    Selection,
    parse_time,
)
from obligate.interfaces.decision_log.store import TABLE, row_record, select_sql

LOG_FILE_NAME = "decisions.sqlite3"


def default_path() -> Path:
    """Where the decision log goes unless told: the user's data directory (on Linux
    ``~/.local/share/obligate/decisions.sqlite3``), not the working directory."""
    from platformdirs import user_data_path

    return user_data_path("obligate", appauthor=False) / LOG_FILE_NAME


def _create_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only (0600): it holds
    what clients asked. SQLite gives its -wal and -shm files the same mode."""
    if path.parent != Path():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # an existing log keeps the mode its owner gave it
    os.close(descriptor)


class SQLiteStore:
    """A SQLite file in write-ahead-log mode; readers never block the writer."""

    def __init__(self, path: str | Path) -> None:
        self.target = str(path)
        self.path = Path(path)
        try:
            _create_private(self.path)
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
                    duty_ids TEXT NOT NULL,
                    rulebase TEXT NOT NULL DEFAULT '{{}}'
                );
                CREATE INDEX IF NOT EXISTS {TABLE}_recorded_at ON {TABLE} (recorded_at);
                """
            )
            # a log written before records kept their rule base's versions gains the column
            columns = {row[1] for row in self._connection.execute(f"PRAGMA table_info({TABLE})")}
            if "rulebase" not in columns:
                self._connection.execute(
                    f"ALTER TABLE {TABLE} ADD COLUMN rulebase TEXT NOT NULL DEFAULT '{{}}'"
                )
        except OSError as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc.strerror}") from None
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
                json.dumps(r.rulebase, sort_keys=True, ensure_ascii=False),
            )
            for r in records
        ]
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                f"INSERT OR IGNORE INTO {TABLE} "
                "(id, recorded_at, rulebase_version, query, duty_ids, rulebase) "
                "VALUES (?, ?, ?, ?, ?, ?)",
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
            params.append(parse_time(selection.since).isoformat(timespec="microseconds"))
        if selection.until is not None:
            clauses.append("recorded_at < ?")
            params.append(parse_time(selection.until).isoformat(timespec="microseconds"))
        if selection.duty is not None:
            clauses.append(f"EXISTS (SELECT 1 FROM json_each({TABLE}.duty_ids) WHERE value = ?)")
            params.append(selection.duty)
        sql = select_sql(clauses, selection)
        try:
            return [row_record(row) for row in self._connection.execute(sql, params)]
        except sqlite3.Error as exc:
            raise DecisionLogError(f"decision log {self.target}: {exc}") from None

    def count(self) -> int:
        return int(self._connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])

    def close(self) -> None:
        self._connection.close()
