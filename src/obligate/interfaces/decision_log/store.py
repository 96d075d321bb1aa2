"""What every store of decision records provides, and the table both backends share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from obligate.interfaces.decision_log.record import DecisionRecord, Selection, parse_time

TABLE = "obligate_decisions"


class Store(Protocol):
    """A database holding the records. Connections are used from one thread at a time."""

    target: str

    def write(self, records: Sequence[DecisionRecord]) -> None:
        """Insert the records in one transaction (all or none)."""

    def read(self, selection: Selection) -> list[DecisionRecord]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def select_sql(clauses: Sequence[str], selection: Selection) -> str:
    """The query both backends read records with: their own `WHERE` clauses (placeholders
    differ), then the order and limit the selection asks for."""
    sql = f"SELECT id, recorded_at, rulebase_version, query, duty_ids, rulebase FROM {TABLE}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY seq DESC" if selection.newest_first else " ORDER BY seq"
    if selection.limit is not None:
        sql += f" LIMIT {int(selection.limit)}"
    return sql


def _loads(value: Any) -> Any:
    # PostgreSQL hands JSONB back decoded; SQLite hands back the text.
    return json.loads(value) if isinstance(value, str) else value


def row_record(row: Sequence[Any]) -> DecisionRecord:
    return DecisionRecord(
        id=str(row[0]),
        recorded_at=parse_time(row[1]),
        rulebase_version=str(row[2]),
        query=_loads(row[3]),
        duty_ids=tuple(_loads(row[4])),
        rulebase=_loads(row[5]) if len(row) > 5 and row[5] is not None else {},
    )
