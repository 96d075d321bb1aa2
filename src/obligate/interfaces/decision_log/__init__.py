"""The decision log: every answered determination, recorded (when, the query, the rule-base
version, the duty ids) in SQLite by default or in PostgreSQL.

One writer thread owns the database connection and commits entries in batches (group
commit). ``DecisionLog.submit`` returns a future that resolves once the entry's transaction
has committed, so a server that waits for it before answering never sends an answer whose
record could still be lost. Each record is one row inserted inside one transaction, so a
record is either there whole or not there; an entry retried after a failed commit is not
written twice (its id is unique).

record.py   DecisionRecord, Selection, DecisionLogError, time parsing
store.py    the Store protocol both backends meet, and the shared table
sqlite.py   SQLiteStore (the default);  postgres.py  PostgresStore
writer.py   DecisionLog, the batching writer thread
export.py   records as JSON Lines, JSON or CSV
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from obligate.interfaces.decision_log.export import CSV_COLUMNS, EXPORT_FORMATS, export_text
from obligate.interfaces.decision_log.postgres import (
    POSTGRES_PREFIXES,
    PostgresStore,
    _redact,
    is_postgres,
)
from obligate.interfaces.decision_log.record import (
    DecisionLogError,
    DecisionRecord,
    Selection,
    new_id,
    parse_moment,
)
from obligate.interfaces.decision_log.sqlite import SQLiteStore, default_path
from obligate.interfaces.decision_log.store import TABLE, Store
from obligate.interfaces.decision_log.writer import (
    BATCH_SIZE,
    RETRY_PAUSE_SECONDS,
    WRITE_ATTEMPTS,
    DecisionLog,
)

__all__ = [
    "BATCH_SIZE",
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "POSTGRES_PREFIXES",
    "RETRY_PAUSE_SECONDS",
    "TABLE",
    "WRITE_ATTEMPTS",
    "DecisionLog",
    "DecisionLogError",
    "DecisionRecord",
    "PostgresStore",
    "SQLiteStore",
    "Selection",
    "Store",
    "_redact",
    "default_path",
    "export_text",
    "is_postgres",
    "new_id",
    "open_log",
    "open_store",
    "parse_moment",
    "reading",
]


def open_store(target: str | Path) -> Store:
    """A SQLite file path, or a ``postgresql://`` DSN."""
    text = str(target)
    if is_postgres(text):
        return PostgresStore(text)
    return SQLiteStore(text)


def open_log(target: str | Path) -> DecisionLog:
    return DecisionLog(open_store(target), source=str(target))


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
