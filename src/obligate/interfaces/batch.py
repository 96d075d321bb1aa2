"""Batch: answer a table of queries at data-platform scale.

A row is a query: a service profile id, an age, a location and a date (the profiles, service
facts by id, come with the table). Each row gets the ids and the categories of the duties that
apply to it, and an ``error`` when the row cannot be answered (an unknown location, an age out
of range): a bad row never stops the table.

Rows are grouped before anything is asked: rows with the same service, location and date share
every age threshold the rules compare the user's age with, and rows whose ages fall alike
between those thresholds share an answer class (determine.py). Each class is answered once and
its answer is handed to all its rows with vectorised takes, so a table of ten million accounts
costs about as many determinations as it has classes.

    import obligate, pandas
    from obligate.interfaces.batch import answer_table
    rules = obligate.load("rules")
    out = answer_table(rules, pandas.read_parquet("accounts.parquet"), services)

Where one machine is not enough, ``BatchFunction`` is the same function in a form that
pickles: each worker process loads the rule library once. With Dask::

    frames.map_partitions(BatchFunction(["rules"], services), meta=BatchFunction.meta(frames))

and with Spark, ``df.mapInPandas(BatchFunction(["rules"], services).frames, schema)``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from obligate.determination.query import MAX_AGE, QueryError
from obligate.determination.rulebase import RuleBase, load
from obligate.memory import collector_paused

DUTY_IDS = "duty_ids"
CATEGORIES = "categories"
ERROR = "error"
ROWS_PER_CHUNK = 1_000_000
MEMO_SIZE = 1_000_000  # groups or answer classes remembered across chunks

Table: TypeAlias = "pd.DataFrame | pa.Table"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Columns:
    """The names of the query columns in the table."""

    service: str = "service"
    age: str = "age"
    location: str = "location"
    date: str = "date"

    def names(self) -> list[str]:
        return [self.service, self.age, self.location, self.date]


class BatchError(ValueError):
    """The table as a whole cannot be answered (a column is missing or of the wrong type)."""


@dataclass
class _Answers:
    """Per row: the answer class it belongs to (-1: none) and the error, if any."""

    codes: np.ndarray
    errors: np.ndarray  # object: str or None
    ids: list[list[str]] = field(default_factory=list)  # per answer class
    categories: list[list[str]] = field(default_factory=list)


def answer_table(
    rules: RuleBase,
    table: Table,
    services: Mapping[str, Any],
    columns: Columns = Columns(),
) -> Table:
    """The table with three columns added: ``duty_ids`` and ``categories`` (lists of
    strings, sorted categories without repeats) and ``error`` (null when the row was
    answered). A pandas DataFrame in, a DataFrame out; an Arrow table in, an Arrow table out.
    ``services`` maps each service profile id to its service facts."""
    return _answer_table(rules, table, services, columns, _Memo())


def _answer_table(
    rules: RuleBase, table: Table, services: Mapping[str, Any], columns: Columns, memo: _Memo
) -> Table:
    # A table is answered in bulk: it allocates answer classes that live on in the caches,
    # and arrays; the cyclic collector would rescan them all, again and again, for nothing.
    with collector_paused():
        return _answer_any(rules, table, services, columns, memo)


def _answer_any(
    rules: RuleBase, table: Table, services: Mapping[str, Any], columns: Columns, memo: _Memo
) -> Table:
    if isinstance(table, pa.Table):
        frame = pd.DataFrame({name: _column(table, name).to_pandas() for name in columns.names()})
        answers = _answer(rules, frame, services, columns, memo)
        return _with_arrow(table, answers)
    if isinstance(table, pd.DataFrame):
        _check_columns(table.columns, columns)
        answers = _answer(rules, table, services, columns, memo)
        return _with_pandas(table, answers)
    raise BatchError(
        f"table: expected a pandas DataFrame or a pyarrow Table, found {type(table).__name__}"
    )


def answer_parquet(
    rules: RuleBase,
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    services: Mapping[str, Any],
    columns: Columns = Columns(),
    progress: Progress | None = None,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> int:
    """Answer a Parquet file chunk by chunk into another (the command ``obligate batch``);
    ``progress`` is told how many rows each chunk held. Returns the number of rows."""
    reader = pq.ParquetFile(source)
    _check_columns(reader.schema_arrow.names, columns)
    writer: pq.ParquetWriter | None = None
    rows = 0
    memo = _Memo()
    try:
        for chunk in reader.iter_batches(batch_size=rows_per_chunk):
            batch = pa.Table.from_batches([chunk])
            answered = _answer_table(rules, batch, services, columns, memo)
            assert isinstance(answered, pa.Table)
            if writer is None:
                writer = pq.ParquetWriter(target, answered.schema)
            writer.write_table(answered)
            rows += chunk.num_rows
            if progress is not None:
                progress(chunk.num_rows)
        if writer is None:  # an empty file: write the schema all the same
            empty = answer_table(rules, reader.schema_arrow.empty_table(), services, columns)
            assert isinstance(empty, pa.Table)
            pq.write_table(empty, target)
    finally:
        if writer is not None:
            writer.close()
    return rows


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
        columns: Columns = Columns(),
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
        return base.assign(
            **{
                DUTY_IDS: pd.Series([], dtype=object),
                CATEGORIES: pd.Series([], dtype=object),
                ERROR: pd.Series([], dtype=object),
            }
        )


# ---------------------------------------------------------------- the answer classes


class _Memo:
    """What a table's groups and answer classes came to, kept across the chunks of one file
    (and the partitions one worker answers): each is worked out once."""

    def __init__(self) -> None:
        # (service, location, date) -> the query's parts and its age thresholds, or an error
        self.groups: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[float, ...]] | str] = {}
        # (service, location, date, band) -> duty ids, categories
        self.classes: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}

    def trim(self) -> None:
        if len(self.classes) > MEMO_SIZE or len(self.groups) > MEMO_SIZE:
            self.groups.clear()
            self.classes.clear()


def _answer(
    rules: RuleBase,
    frame: pd.DataFrame,
    services: Mapping[str, Any],
    columns: Columns,
    memo: _Memo,
) -> _Answers:
    count = len(frame)
    errors = np.full(count, None, dtype=object)
    answers = _Answers(np.full(count, -1, dtype=np.int64), errors)
    if count == 0:
        return answers
    memo.trim()
    ok = np.ones(count, dtype=bool)
    ages, age_known = _ages(frame[columns.age], errors, ok, columns.age)
    groups, keys = _groups(frame, columns)
    # each group: its thresholds (by number), or an error for all its rows
    scales: dict[tuple[float, ...], int] = {}
    group_scale = np.full(len(keys), -1, dtype=np.int64)
    group_error = np.full(len(keys), None, dtype=object)
    for group, key in enumerate(keys):
        known = memo.groups.get(key)
        if known is None:
            known = _group(rules, services, key)
            memo.groups[key] = known
        if isinstance(known, str):
            group_error[group] = known
        else:
            group_scale[group] = scales.setdefault(known[1], len(scales))
    row_scale = group_scale[groups]
    failed = (row_scale < 0) & ok
    errors[failed] = group_error[groups[failed]]
    ok &= ~failed
    bands = np.zeros(count, dtype=np.int64)  # 0: the age is not given
    for thresholds, scale in scales.items():
        mine = (row_scale == scale) & age_known & ok
        bands[mine] = _bands(thresholds, ages[mine])
    classes, first = _factorize_pairs(groups, bands, ok)
    answers.codes[ok] = classes
    determiner = rules._determiner
    for row in first:
        key = keys[groups[row]]
        found = memo.classes.get((*key, int(bands[row])))
        if found is None:
            known = memo.groups[key]
            assert not isinstance(known, str)  # rows of a group that failed carry its error
            service, user, date = known[0]
            if age_known[row]:
                user = {**user, "age": int(ages[row])}
            found = determiner.summary(rules.query(service, user, date))
            memo.classes[(*key, int(bands[row]))] = found
        answers.ids.append(found[0])
        answers.categories.append(found[1])
    return answers


def _group(
    rules: RuleBase, services: Mapping[str, Any], key: tuple[Any, ...]
) -> tuple[tuple[Any, ...], tuple[float, ...]] | str:
    """A group's query (without the age) and its age thresholds, or why it has none."""
    service_id, location, date = key
    try:
        service = _service(services, service_id)
        query = rules.query(service, {"location": location}, date)
    except QueryError as error:
        return str(error)
    return (service, {"location": location}, date), rules._determiner.age_thresholds(query)


def _bands(thresholds: Sequence[float], ages: np.ndarray) -> np.ndarray:
    """How each age compares with every threshold, as one number (1 and up): ages with
    the same number compare alike with all of them (determine._band, vectorised)."""
    points = np.asarray(thresholds, dtype=float)
    below = np.searchsorted(points, ages, side="left")
    equal = np.zeros(len(ages), dtype=np.int64)
    inside = below < len(points)
    equal[inside] = points[below[inside]] == ages[inside]
    result: np.ndarray = 2 * below + equal + 1
    return result


def _groups(frame: pd.DataFrame, columns: Columns) -> tuple[np.ndarray, list[tuple[str, str, Any]]]:
    """Each row's group (same service, location and date) and each group's values."""
    parts = []
    uniques = []
    for name in (columns.service, columns.location, columns.date):
        codes, values = pd.factorize(frame[name], use_na_sentinel=False)
        parts.append(codes.astype(np.int64))
        uniques.append(values)
    combined = parts[0]
    for codes, values in zip(parts[1:], uniques[1:], strict=True):
        combined = combined * len(values) + codes
    groups, firsts = pd.factorize(combined)
    keys = []
    for key in firsts:
        date_index = key % len(uniques[2])
        rest = key // len(uniques[2])
        location_index = rest % len(uniques[1])
        service_index = rest // len(uniques[1])
        keys.append(
            (
                uniques[0][service_index],
                uniques[1][location_index],
                _date(uniques[2][date_index]),
            )
        )
    return groups.astype(np.int64), keys


def _factorize_pairs(
    groups: np.ndarray, bands: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, list[int]]:
    """Number the (group, band) pairs of the kept rows; the first row of each pair."""
    rows = np.flatnonzero(keep)
    pairs = groups[rows] * (int(bands.max()) + 1) + bands[rows]
    classes, _values = pd.factorize(pairs)
    first = np.full(len(_values), -1, dtype=np.int64)
    # the first row of each class: reversed assignment leaves the earliest index in place
    first[classes[::-1]] = rows[::-1]
    return classes.astype(np.int64), [int(r) for r in first]


def _ages(
    series: pd.Series, errors: np.ndarray, ok: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """The ages as floats (NaN: not given), with an error for each row whose age is not a
    whole number of years from 0 to MAX_AGE."""
    try:
        ages = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise BatchError(f"{name}: expected a numeric column of ages") from None
    given = series.notna().to_numpy()
    known = ~np.isnan(ages)
    with np.errstate(invalid="ignore"):
        bad = (given & ~known) | (
            known & ((ages < 0) | (ages > MAX_AGE) | (ages != np.floor(ages)))
        )
    for row in np.flatnonzero(bad):
        errors[row] = (
            f"user.age: out of range (found {_shown(series.iloc[row])}); accepted: a whole "
            f"number of years from 0 to {MAX_AGE}"
        )
    ok &= ~bad
    return ages, known & ~bad


def _shown(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _service(services: Mapping[str, Any], service_id: Any) -> Any:
    key = service_id if isinstance(service_id, str) else str(service_id)
    if key not in services:
        known = ", ".join(sorted(map(str, services))[:20])
        raise QueryError(
            [
                _field_error(
                    "service", service_id, "unknown service profile", f"a profile id: {known}"
                )
            ]
        )
    return services[key]


def _field_error(name: str, value: Any, message: str, accepted: str) -> Any:
    from obligate.determination.query import FieldError

    return FieldError(field=name, value=value, message=message, accepted=accepted)


def _date(value: Any) -> dt.date | str:
    """A date as the query takes it (an ISO string is checked by the query itself)."""
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        date: dt.date = pd.Timestamp(value).date()
        return date
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


# ---------------------------------------------------------------- output


def _with_pandas(frame: pd.DataFrame, answers: _Answers) -> pd.DataFrame:
    ids = _per_row(answers.ids, answers.codes)
    categories = _per_row(answers.categories, answers.codes)

    def column(values: np.ndarray) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)

    return frame.assign(
        **{
            DUTY_IDS: column(ids),
            CATEGORIES: column(categories),
            ERROR: column(answers.errors),
        }
    )


def _per_row(values: list[list[str]], codes: np.ndarray) -> np.ndarray:
    """One list per row, taken from its answer class (None where the row has an error)."""
    pool = np.empty(len(values) + 1, dtype=object)
    for index, value in enumerate(values):
        pool[index] = value
    pool[len(values)] = None
    picked: np.ndarray = pool[np.where(codes >= 0, codes, len(values))]
    return picked


def _with_arrow(table: pa.Table, answers: _Answers) -> pa.Table:
    strings = pa.list_(pa.string())
    codes = pa.array(answers.codes, mask=answers.codes < 0)
    ids = pc.take(pa.array(answers.ids, type=strings), codes)
    categories = pc.take(pa.array(answers.categories, type=strings), codes)
    errors = pa.array(answers.errors, type=pa.string())
    return (
        table.append_column(DUTY_IDS, ids)
        .append_column(CATEGORIES, categories)
        .append_column(ERROR, errors)
    )


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise BatchError(f"{name}: no such column; the table has {', '.join(table.column_names)}")
    return table.column(name)


def _check_columns(present: Iterable[Any], columns: Columns) -> None:
    names = [str(p) for p in present]
    for name in columns.names():
        if name not in names:
            raise BatchError(f"{name}: no such column; the table has {', '.join(names)}")


def read_services(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Service profiles from a YAML or JSON file: a mapping of profile id to service facts."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BatchError(f"services: cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BatchError(f"services: {path} must map each profile id to its service facts")
    return {str(k): v for k, v in data.items()}
