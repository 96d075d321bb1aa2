"""The PostgreSQL store, chosen by a ``postgresql://`` DSN."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import Any

from obligate.interfaces.decision_log.record import (
    DecisionLogError,
    DecisionRecord,
    Selection,
    parse_time,
)
from obligate.interfaces.decision_log.store import TABLE, row_record, select_sql

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


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
                    duty_ids JSONB NOT NULL,
                    rulebase JSONB NOT NULL DEFAULT '{{}}'::jsonb
                )
                """
            )
            # a log written before records kept their rule base's versions gains the column
            connection.execute(
                f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS "
                "rulebase JSONB NOT NULL DEFAULT '{}'::jsonb"
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
            (
                r.id,
                r.recorded_at,
                r.rulebase_version,
                Jsonb(r.query),
                Jsonb(list(r.duty_ids)),
                Jsonb(r.rulebase),
            )
            for r in records
        ]
        try:
            with self._connection.transaction(), self._connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TABLE} "
                    "(id, recorded_at, rulebase_version, query, duty_ids, rulebase) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
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
            params.append(parse_time(selection.since))
        if selection.until is not None:
            clauses.append("recorded_at < %s")
            params.append(parse_time(selection.until))
        if selection.duty is not None:
            clauses.append("duty_ids @> %s::jsonb")
            params.append(json.dumps([selection.duty]))
        sql = select_sql(clauses, selection)
        try:
            return [row_record(row) for row in self._connection.execute(sql, params).fetchall()]
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
