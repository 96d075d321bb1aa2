"""A rule file's bytes to text, and the grammar's text: what the compiler needs before any
parsing (and all it needs when the library comes back from the compile cache), kept apart
from the parser so that lark is imported only when something is parsed."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from obligate.language.diagnostics import Diagnostics, Span

MAX_FILE_BYTES = 4 * 1024 * 1024


def _grammar_text() -> str:
    packaged = resources.files("obligate").joinpath("grammar", "obligate.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Running from a source checkout (editable install): the grammar's home is grammar/.
    source_tree = Path(__file__).resolve().parents[3] / "grammar" / "obligate.lark"
    return source_tree.read_text(encoding="utf-8")


@cache
def grammar_text() -> str:
    return _grammar_text()


def decode(path: str, data: bytes, diagnostics: Diagnostics) -> str | None:
    """Bytes of a rule file to text, or a diagnostic when it is not a text file we accept."""
    where = Span(path, 1, 1)
    if len(data) > MAX_FILE_BYTES:
        diagnostics.error(
            "E008",
            f"file is too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})",
            where,
            "split the rules into several files",
        )
        return None
    if b"\x00" in data:
        diagnostics.error(
            "E007",
            "this is not a text file (it contains NUL bytes)",
            where,
            "rule files are UTF-8 text",
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diagnostics.error(
            "E007",
            f"this file is not valid UTF-8 (byte {exc.start})",
            Span(path, line, 1),
            "save the file as UTF-8",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
