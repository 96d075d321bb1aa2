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


class TableFormat(StrEnum):
    """The file formats `batch` reads and writes."""

    parquet = "parquet"
    csv = "csv"


class TextFormat(StrEnum):
    """How `check`, `diff` and `explain` print what they find."""

    text = "text"
    json = "json"


class GraphFormat(StrEnum):
    """How `graph` draws the jurisdiction graph."""

    dot = "dot"
    mermaid = "mermaid"
    svg = "svg"
    png = "png"


class ReportFormat(StrEnum):
    """How `compare`, `baseline` and `glossary` print their tables."""

    table = "table"
    json = "json"
    md = "md"
    html = "html"
    csv = "csv"


class ChecklistFormat(StrEnum):
    md = "md"
    html = "html"
    csv = "csv"
    json = "json"


class ChecklistOrder(StrEnum):
    """`checklist --sort`: by category, or the highest penalties first."""

    category = "category"
    exposure = "exposure"


class EnforcementFormat(StrEnum):
    table = "table"
    json = "json"


class StaleFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


class TokenScope(StrEnum):
    """`serve --token-for`: which routes the bearer token guards."""

    log = "log"
    api = "api"


class ExportFormat(StrEnum):
    """How `log export` writes the records (decision_log.EXPORT_FORMATS)."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"
