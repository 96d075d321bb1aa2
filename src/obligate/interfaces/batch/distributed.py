"""``answer_table`` in a form that pickles, for Dask and Spark worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from obligate.determination.rulebase import RuleBase, load
from obligate.interfaces.batch.table import (
    DEFAULT_COLUMNS,
    ERROR,
    LISTS,
    RULEBASE_VERSION,
    Columns,
    _answer_table,
    _Memo,
)


class BatchFunction:
    """``answer_table`` as a picklable function of a pandas DataFrame, for Dask's
    ``map_partitions`` and Spark's ``mapInPandas``: it carries the paths of the rule library
    (not the compiled library, which holds durable-rules handles) and loads it once per
    process."""

    _loaded: dict[tuple[str, ...], RuleBase] = {}

    def __init__(
        self,
        rules: Sequence[str | os.PathLike[str]],
        services: Mapping[str, Any],
        columns: Columns = DEFAULT_COLUMNS,
    ) -> None:
        self.rules = tuple(str(Path(p).resolve()) for p in rules)
        self.services = dict(services)
        self.columns = columns
        self._memo = _Memo()  # one per process: partitions share their answer classes

    def __getstate__(self) -> dict[str, Any]:
        return {"rules": self.rules, "services": self.services, "columns": self.columns}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo = _Memo()

    def rulebase(self) -> RuleBase:
        rulebase = self._loaded.get(self.rules)
        if rulebase is None:
            rulebase = load(*self.rules)
            self._loaded[self.rules] = rulebase
        return rulebase

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        answered = _answer_table(self.rulebase(), frame, self.services, self.columns, self._memo)
        assert isinstance(answered, pd.DataFrame)
        return answered

    def frames(self, frames: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """The form Spark's ``mapInPandas`` calls: an iterator of frames in, one out."""
        for frame in frames:
            yield self(frame)

    @staticmethod
    def meta(frame: Any) -> pd.DataFrame:
        """The empty frame describing the output (Dask's ``meta``)."""
        base = frame._meta if hasattr(frame, "_meta") else frame.iloc[:0]
        added = [*LISTS, RULEBASE_VERSION, ERROR]
        return base.assign(**{name: pd.Series([], dtype=object) for name in added})
