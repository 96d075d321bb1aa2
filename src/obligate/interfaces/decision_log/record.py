"""One decision record (what was answered, when, from which rule base) and a selection of
records to read back."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from obligate.determination.answer import Determination

# Record ids: 16 random hex digits drawn once per process, then a counter. Unique across
# processes and restarts without a system call per record (os.urandom costs about 30 µs a
# call on a sandboxed machine, a tenth of an answer). A forked process (a `serve --workers`
# worker) draws its own: it would otherwise repeat its parent's ids, and its siblings'.
_ID_PREFIX = ""
_ID_COUNTER = itertools.count()


def _draw_prefix() -> None:
    global _ID_PREFIX, _ID_COUNTER
    _ID_PREFIX = uuid.uuid4().hex[:16]
    _ID_COUNTER = itertools.count()


_draw_prefix()
os.register_at_fork(after_in_child=_draw_prefix)


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
    # the answer's whole ``rulebase`` object: content hash, engine, contract and each rule
    # folder's release (empty for records written before it was kept)
    rulebase: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, answer: Determination) -> DecisionRecord:
        return cls(
            id=new_id(),
            recorded_at=dt.datetime.now(dt.UTC),
            rulebase_version=answer.rulebase.version,
            query=answer.query,
            duty_ids=tuple(answer.duty_ids),
            rulebase=answer.rulebase.model_dump(mode="json"),
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
            "rulebase": self.rulebase,
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


def parse_time(value: Any) -> dt.datetime:
    """A stored or given time as an aware datetime; naive times are UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_moment(text: str, field: str) -> dt.datetime:
    """``2026-06-01`` or an ISO date-time; naive times are UTC."""
    try:
        return parse_time(text)
    except ValueError:
        raise DecisionLogError(
            f"{field}: not a date or time (found {text!r}); accepted: YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SS"
        ) from None
