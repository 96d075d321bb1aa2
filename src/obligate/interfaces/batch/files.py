"""Batch files: which format a table file is in, reading it in chunks, and writing the answers
so that the target appears whole or not at all.

Two formats: Parquet and CSV (UTF-8, a header row; the separator is found in the header). The
format is read from the file's name and checked against its first bytes, so that a file that
is not what its name says is refused with what it looks like, not with a reader's traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from obligate.about import CONTRACT_VERSION, ENGINE_VERSION
from obligate.determination.rulebase import RuleBase
from obligate.interfaces.batch.table import (
    DEFAULT_COLUMNS,
    BatchError,
    Columns,
    _answer_table,
    _check_columns,
    _Memo,
)

Format = Literal["parquet", "csv"]
FORMATS: tuple[Format, ...] = ("parquet", "csv")
SUFFIXES: dict[str, Format] = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
PARQUET_MAGIC = b"PAR1"
CSV_BLOCK_BYTES = 1 << 20  # about 25,000 rows of four short columns: progress moves often
SEPARATORS = (",", ";", "\t", "|")
LIST_SEPARATOR = ";"  # lists in a CSV cell (duty ids hold no ';')
METADATA_KEY = b"obligate"  # Parquet schema metadata: the versions that answered
# Rows per chunk read from a file: small enough that progress moves every second or so (the
# first chunks meet most answer classes), large enough that per-chunk costs stay negligible.
ROWS_PER_CHUNK = 50_000

Progress = Callable[[int], None]


# ---------------------------------------------------------------- answering a file


def answer_file(
    rules: RuleBase,
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    services: Mapping[str, Any],
    columns: Columns = DEFAULT_COLUMNS,
    progress: Progress | None = None,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    input_format: str | None = None,
    output_format_name: str | None = None,
) -> int:
    """Answer a Parquet or CSV file chunk by chunk into another (the command ``obligate
    batch``); formats come from the names (``.parquet``, ``.csv``) unless given. The target is
    written under a temporary name and renamed when whole. ``progress`` is told how many rows
    each chunk held. Returns the number of rows."""
    reading = file_format(source, input_format)
    writing = output_format(target, output_format_name)
    if Path(source).resolve() == Path(target).resolve():
        raise BatchError(f"{target}: the target is the source; name another file")
    _check_columns(column_names(source, reading), columns)
    # CSV cells of the query columns are read as text: one odd cell is that row's error
    text = [] if reading == "parquet" else columns.names()
    rows = 0
    memo = _Memo()
    with atomic_target(target) as temporary:
        writer = TableWriter(temporary, writing, versions(rules))
        try:
            for chunk in chunks(source, reading, rows_per_chunk, text):
                answered = _answer_table(rules, chunk, services, columns, memo)
                assert isinstance(answered, pa.Table)
                writer.write(answered)
                rows += chunk.num_rows
                if progress is not None:
                    progress(chunk.num_rows)
            if rows == 0:  # an empty file: write the columns all the same
                empty = empty_input(source, reading, text)
                writer.write(_answer_table(rules, empty, services, columns, memo))
        finally:
            writer.close()
    return rows


answer_parquet = answer_file  # the name of its first form, Parquet only


def versions(rules: RuleBase) -> dict[str, Any]:
    """The versions that answered a table: written into a Parquet file's metadata."""
    return {
        "engine": ENGINE_VERSION,
        "contract": CONTRACT_VERSION,
        "rulebase": rules.version,
        "libraries": [release.to_json() for release in rules.releases],
    }


# ---------------------------------------------------------------- formats


def file_format(path: str | os.PathLike[str], declared: str | None = None) -> Format:
    """The format of a table file: ``declared``, else its name's suffix, else its content;
    raise ``BatchError`` when the file is missing, empty, or not in that format."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(4096)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 4))
            tail = handle.read(4)
    except OSError as error:
        raise BatchError(f"{file}: cannot read it: {error.strerror or error}") from None
    if size == 0:
        raise BatchError(f"{file}: the file is empty")
    looks = _looks_like(head, tail)
    wanted = _wanted(file, declared)
    if wanted is None:
        if looks in FORMATS:
            return looks
        raise BatchError(f"{file}: neither Parquet nor CSV text: {looks}")
    if wanted == "parquet" and looks != "parquet":
        if looks == "truncated parquet":
            raise BatchError(f"{file}: a Parquet file cut short (it has no footer)")
        hint = "; name it .csv to read it as CSV" if looks == "csv" else ""
        shown = "CSV text" if looks == "csv" else looks
        raise BatchError(f"{file}: not a Parquet file: it looks like {shown}{hint}")
    if wanted == "csv" and looks != "csv":
        shown = "a Parquet file" if "parquet" in looks else looks
        raise BatchError(f"{file}: not CSV text: it looks like {shown}")
    return wanted


def output_format(path: str | os.PathLike[str], declared: str | None = None) -> Format:
    """The format to write: ``declared``, else the name's suffix; Parquet by default."""
    return _wanted(Path(path), declared) or "parquet"


def _wanted(file: Path, declared: str | None) -> Format | None:
    if declared is not None:
        if declared not in FORMATS:
            raise BatchError(f"format: unknown format {declared!r}; accepted: parquet, csv")
        return declared
    return SUFFIXES.get(file.suffix.lower())


def _looks_like(head: bytes, tail: bytes) -> str:
    """What a file's first bytes (and last four) say it is, in words."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet" if tail == PARQUET_MAGIC else "truncated parquet"
    for magic, what in (
        (b"PK\x03\x04", "a ZIP archive (a spreadsheet? export it as CSV)"),
        (b"\xd0\xcf\x11\xe0", "an old Excel or Office file (export it as CSV)"),
        (b"\x1f\x8b", "a gzip archive (decompress it first)"),
        (b"ARROW1", "an Arrow IPC file"),
        (b"SQLite format 3", "an SQLite database"),
    ):
        if head.startswith(magic):
            return what
    if b"\0" in head:
        return "binary data"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the 4 kB boundary
            return "text that is not UTF-8 (save it as UTF-8)"
    return "csv"


def separator(path: str | os.PathLike[str]) -> str:
    """The CSV separator: whichever of , ; tab | the header line holds most of."""
    with Path(path).open("rb") as handle:
        header = handle.readline().decode("utf-8", errors="replace")
    counts = {s: header.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


# ---------------------------------------------------------------- reading


def count_rows(path: str | os.PathLike[str], fmt: Format) -> int:
    """How many rows a table file holds (CSV: its lines after the header, which a quoted
    line break would overcount: the figure is for a progress bar)."""
    if fmt == "parquet":
        return int(_parquet(path).metadata.num_rows)
    lines = 0
    last = b"\n"
    with Path(path).open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(0, lines + (last != b"\n") - 1)


def column_names(path: str | os.PathLike[str], fmt: Format) -> list[str]:
    if fmt == "parquet":
        return list(_parquet(path).schema_arrow.names)
    with _csv_reader(path, []) as reader:
        return list(reader.schema.names)


def chunks(
    path: str | os.PathLike[str], fmt: Format, rows_per_chunk: int, text_columns: Sequence[str]
) -> Iterator[pa.Table]:
    """The file's rows, a chunk at a time. CSV's ``text_columns`` are read as text, whatever
    they hold, so that one odd cell gets its own error instead of failing the table."""
    if fmt == "parquet":
        try:
            for batch in _parquet(path).iter_batches(batch_size=rows_per_chunk):
                yield pa.Table.from_batches([batch])
        except (pa.ArrowException, OSError) as error:
            raise BatchError(f"{path}: cannot read it as Parquet: {error}") from None
        return
    with _csv_reader(path, text_columns) as reader:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowException as error:
                raise BatchError(f"{path}: cannot read it as CSV: {error}") from None
            yield pa.Table.from_batches([batch])


def empty_input(path: str | os.PathLike[str], fmt: Format, text_columns: Sequence[str]) -> pa.Table:
    """The file's columns with no rows (the schema an empty file's answers are written in)."""
    if fmt == "parquet":
        return _parquet(path).schema_arrow.empty_table()
    with _csv_reader(path, text_columns) as reader:
        return reader.schema.empty_table()


def _parquet(path: str | os.PathLike[str]) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise BatchError(f"{path}: cannot read it as Parquet: {error}") from None


@contextlib.contextmanager
def _csv_reader(
    path: str | os.PathLike[str], text_columns: Sequence[str]
) -> Iterator[pcsv.CSVStreamingReader]:
    sep = separator(path)
    try:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            parse_options=pcsv.ParseOptions(delimiter=sep),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in text_columns},
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, OSError) as error:
        raise BatchError(f"{path}: cannot read it as CSV: {error}") from None
    try:
        yield reader
    finally:
        reader.close()


# ---------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file beside ``path`` to write to, renamed to ``path`` when the block ends
    without an error and removed when it ends with one: the target never holds half an
    answer, and an earlier good file is kept until a new one is whole."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


class TableWriter:
    """Writes answered chunks to one Parquet or CSV file. Parquet carries ``metadata`` (the
    versions that answered) in its schema; CSV cannot, and has the version column only."""

    def __init__(self, path: Path, fmt: Format, metadata: Mapping[str, Any]) -> None:
        self.path = path
        self.format = fmt
        self.metadata = {METADATA_KEY: json.dumps(dict(metadata), sort_keys=True).encode()}
        self._parquet: pq.ParquetWriter | None = None
        self._csv: pcsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.format == "parquet":
            table = table.replace_schema_metadata(
                {**(table.schema.metadata or {}), **self.metadata}
            )
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._parquet.write_table(table)
            return
        table = flat_lists(table)
        if self._csv is None:
            self._csv = pcsv.CSVWriter(self.path, table.schema)
        self._csv.write_table(table)

    def close(self) -> None:
        for writer in (self._parquet, self._csv):
            if writer is not None:
                writer.close()


def flat_lists(table: pa.Table) -> pa.Table:
    """List columns as text (items joined by ';'), the form a CSV cell can hold."""
    for index, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            joined = pc.binary_join(table.column(index), LIST_SEPARATOR)
            table = table.set_column(index, field.name, joined)
    return table


def read_services(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Service profiles from a YAML or JSON file: a mapping of profile id to service facts."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BatchError(f"services: cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BatchError(f"services: {path} must map each profile id to its service facts")
    return {str(k): v for k, v in data.items()}
