"""Answering a table of queries: rows grouped into answer classes, each class answered once
and handed to its rows with vectorised takes (the package's docstring says more)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from obligate.determination.query import MAX_AGE, QueryError
from obligate.determination.rulebase import RuleBase
from obligate.memory import collector_paused

DUTY_IDS = "duty_ids"
CATEGORIES = "categories"
CONDITIONAL_IDS = "conditional_ids"
SUSPENDED_IDS = "suspended_ids"
RULEBASE_VERSION = "rulebase_version"
ERROR = "error"
LISTS = (DUTY_IDS, CATEGORIES, CONDITIONAL_IDS, SUSPENDED_IDS)
MEMO_SIZE = 1_000_000  # groups or answer classes remembered across chunks

Table: TypeAlias = "pd.DataFrame | pa.Table"


class BatchError(ValueError):
    """The table as a whole cannot be answered (a wrong file, a column missing or of the
    wrong type)."""


@dataclass(frozen=True)
class Columns:
    """The names of the query columns in the table."""

    service: str = "service"
    age: str = "age"
    location: str = "location"
    date: str = "date"

    def names(self) -> list[str]:
        return [self.service, self.age, self.location, self.date]


DEFAULT_COLUMNS = Columns()


# What one answer class comes to: duty ids, categories, conditional ids, suspended ids.
Found: TypeAlias = tuple[list[str], list[str], list[str], list[str]]


@dataclass
class _Answers:
    """Per row: the answer class it belongs to (-1: none) and the error, if any."""

    codes: np.ndarray
    errors: np.ndarray  # object: str or None
    version: str = ""  # the content hash of the rule library
    found: list[Found] = field(default_factory=list)  # per answer class

    def lists(self, index: int) -> list[list[str]]:
        """One of the four lists (LISTS) of every answer class."""
        return [found[index] for found in self.found]


def answer_table(
    rules: RuleBase,
    table: Table,
    services: Mapping[str, Any],
    columns: Columns = Columns(),
) -> Table:
    """The table with columns added: ``duty_ids``, ``categories`` (sorted, without
    repeats), ``conditional_ids`` and ``suspended_ids`` (lists of strings, null where the row
    has an error), ``rulebase_version`` (the content hash of the rule library) and ``error``
    (null when the row was answered). A pandas DataFrame in, a DataFrame out; an Arrow table
    in, an Arrow table out. ``services`` maps each service profile id to its service facts."""
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


# ---------------------------------------------------------------- the answer classes


class _Memo:
    """What a table's groups and answer classes came to, kept across the chunks of one file
    (and the partitions one worker answers): each is worked out once."""

    def __init__(self) -> None:
        # (service, location, date) -> the query's parts and its age thresholds, or an error
        self.groups: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[float, ...]] | str] = {}
        # (service, location, date, band) -> what the answer class comes to
        self.classes: dict[tuple[Any, ...], Found] = {}

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
    answers = _Answers(np.full(count, -1, dtype=np.int64), errors, rules.version)
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
    for row in first:
        key = keys[groups[row]]
        found = memo.classes.get((*key, int(bands[row])))
        if found is None:
            known = memo.groups[key]
            assert not isinstance(known, str)  # rows of a group that failed carry its error
            service, user, date = known[0]
            if age_known[row]:
                user = {**user, "age": int(ages[row])}
            found = rules._determiner.summary(rules.query(service, user, date))
            memo.classes[(*key, int(bands[row]))] = found
        answers.found.append(found)
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
    whole number of years from 0 to MAX_AGE: not a number, not whole, or out of range."""
    try:
        ages = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise BatchError(f"{name}: expected a numeric column of ages") from None
    given = series.notna().to_numpy()
    known = ~np.isnan(ages)
    with np.errstate(invalid="ignore"):
        not_number = given & ~known
        not_whole = known & np.isfinite(ages) & (ages != np.floor(ages))
        outside = known & ~not_whole & ((ages < 0) | (ages > MAX_AGE))
    accepted = f"accepted: a whole number of years from 0 to {MAX_AGE}"
    for flags, what in (
        (not_number, "not a number"),
        (not_whole, "not a whole number"),
        (outside, "out of range"),
    ):
        for row in np.flatnonzero(flags):
            # a number is shown as the number it is, even when it came as text (CSV)
            found = series.iloc[row] if what == "not a number" else ages[row]
            errors[row] = f"user.age: {what} (found {_shown(found)}); {accepted}"
    bad = not_number | not_whole | outside
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
    def column(values: Any) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)

    added = {
        name: column(_per_row(answers.lists(index), answers.codes))
        for index, name in enumerate(LISTS)
    }
    added[RULEBASE_VERSION] = column([answers.version] * len(frame))
    added[ERROR] = column(answers.errors)
    return frame.assign(**added)


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
    for index, name in enumerate(LISTS):
        table = table.append_column(
            name, pc.take(pa.array(answers.lists(index), type=strings), codes)
        )
    version = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array([answers.version])
    )
    errors = pa.array(answers.errors, type=pa.string())
    return table.append_column(RULEBASE_VERSION, version).append_column(ERROR, errors)


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise BatchError(f"{name}: no such column; the table has {', '.join(table.column_names)}")
    return table.column(name)


def _check_columns(present: Iterable[Any], columns: Columns) -> None:
    names = [str(p) for p in present]
    for name in columns.names():
        if name not in names:
            raise BatchError(f"{name}: no such column; the table has {', '.join(names)}")
