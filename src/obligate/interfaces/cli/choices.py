"""The closed sets of values some options take, as enums: `--help` lists them, shell
completion offers them, and typer refuses anything else with the accepted values."""

from __future__ import annotations

from enum import StrEnum


class AnswerFormat(StrEnum):
    """How `query` prints an answer."""

    table = "table"
    md = "md"
    csv = "csv"
    json = "json"


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


class TableFormat(StrEnum):
    """The file formats `batch` reads and writes."""

    parquet = "parquet"
    csv = "csv"
