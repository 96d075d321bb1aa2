"""Recovery inside a block: every broken field of a block is reported, and the rest of the
block still reaches the later stages.

When a block does not parse, its body is cut into fields (a line at the fields' indentation,
with its continuation lines and any `{ ... }` it opens), and each field is parsed alone: the
block's text with every other field blanked out. Blanking keeps every line and column where
it was, so each field's error is reported at its own place and no error is the echo of
another. The block is then parsed without its broken fields. When the header itself is
broken, or the braces do not close, the block cannot be cut and is lost as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lark.exceptions import UnexpectedInput

from obligate.language.diagnostics import Diagnostic, Diagnostics, Span
from obligate.language.syntax import _BLOCK_START, Chunk, _describe, parser

# Codes that say a required field is missing: after recovery dropped a broken field, the
# field is not missing, it is broken, and its own diagnostic says so.
MISSING_FIELD = frozenset({"E110", "E111", "E112", "E113", "E115", "E122", "E123"})
MAX_FIELDS = 200  # a block with more fields than this is not cut (each is parsed alone)


def recover_chunk(
    path: str,
    chunk: Chunk,
    error: UnexpectedInput,
    attempt: Callable[[Chunk], Any],
    diagnostics: Diagnostics,
) -> Any:
    """Report every broken field of a chunk that does not parse and return what the rest of
    it parses to; a block that cannot be cut is lost, with its first error (None)."""

    def check(text: str) -> None:
        parser().parse(text)

    recovered = recover(
        chunk.text,
        lambda text: attempt(Chunk(text, chunk.line_offset)),
        check,
        lambda text, problem: _describe(path, Chunk(text, chunk.line_offset), problem),
        chunk.line_offset,
    )
    if recovered is None or recovered.tree is None:
        diagnostics.items.append(_describe(path, chunk, error))
        if _BLOCK_START.search(chunk.text):
            diagnostics.incomplete = True  # a declaration is lost: names may be missing
        return None
    diagnostics.items.extend(recovered.diagnostics)
    first, last = recovered.lines
    diagnostics.damaged.append((path, chunk.line_offset + first + 1, chunk.line_offset + last + 1))
    return recovered.tree


def without_echoes(diagnostics: Diagnostics) -> None:
    """Drop the "required field missing" errors of blocks whose field was dropped as broken:
    the field is there, and its own error says what is wrong with it."""
    if not diagnostics.damaged:
        return
    diagnostics.items = [
        d
        for d in diagnostics.items
        if d.code not in MISSING_FIELD
        or not any(
            d.span.file == file and first <= d.span.line <= last
            for file, first, last in diagnostics.damaged
        )
    ]


@dataclass(frozen=True)
class Recovered:
    """The outcome for a block that did not parse: its broken fields' diagnostics and, when
    the rest parsed, what the parser made of it and the lines it spans (0-based, in the
    chunk)."""

    diagnostics: list[Diagnostic]
    tree: Any | None
    lines: tuple[int, int]


def recover(
    text: str,
    attempt: Callable[[str], Any],
    check: Callable[[str], None],
    describe: Callable[[str, UnexpectedInput], Diagnostic],
    line_offset: int = 0,
) -> Recovered | None:
    """Parse a block field by field. ``check`` parses a text and raises on a syntax error;
    ``attempt`` parses the repaired block into what the caller keeps; ``describe`` turns an
    error in a text into a diagnostic. None when the block cannot be cut into fields."""
    fields = split_fields(text)
    if fields is None or not fields or len(fields) > MAX_FIELDS:
        return None
    everything = [line for first, last in fields for line in range(first, last + 1)]
    try:
        check(blank(text, everything))  # the header and the closing brace alone
    except UnexpectedInput:
        return None
    found: list[Diagnostic] = []
    broken: list[int] = []
    for first, last in fields:
        others = [line for line in everything if not first <= line <= last]
        alone = blank(text, others)
        try:
            check(alone)
        except UnexpectedInput as error:
            found.append(_within(describe(alone, error), text, first, last, line_offset))
            broken.extend(range(first, last + 1))
    if not found:
        return None  # each field parses alone: the fault is between them
    try:
        tree = attempt(blank(text, broken))
    except UnexpectedInput:
        return Recovered(found, None, (0, text.count("\n")))
    return Recovered(found, tree, (0, text.count("\n")))


def _within(
    diagnostic: Diagnostic, text: str, first: int, last: int, line_offset: int
) -> Diagnostic:
    """A field that ends too early is found out at the next thing the parser reads (the
    block's `}`): point at the end of the field instead."""
    last_line = line_offset + last + 1
    if diagnostic.span.line <= last_line:
        return diagnostic
    end = len(text.split("\n")[last]) + 1
    return replace(
        diagnostic,
        message=diagnostic.message.replace("unexpected `}`", "the field ends too early"),
        span=Span(diagnostic.span.file, last_line, end, last_line, end + 1),
    )


def blank(text: str, lines: list[int]) -> str:
    """The text with the given 0-based lines made blank (their newlines kept)."""
    if not lines:
        return text
    wanted = set(lines)
    return "\n".join(
        "" if number in wanted else line for number, line in enumerate(text.split("\n"))
    )


_FIELD_START = re.compile(r"^([ \t]*)\S")


def split_fields(text: str) -> list[tuple[int, int]] | None:
    """The 0-based line ranges of a block's fields; None when the block's shape is not the
    usual one (a header line ending in `{`, fields on their own lines, a closing `}`)."""
    lines = text.split("\n")
    open_line = next(
        (i for i, line in enumerate(lines) if _code(line).rstrip().endswith("{")), None
    )
    close_line = _closing_line(lines)
    if open_line is None or close_line is None or close_line <= open_line:
        return None
    body = range(open_line + 1, close_line)
    indent = _field_indent(lines, body)
    if indent is None:
        return []
    fields: list[tuple[int, int]] = []
    depth = 0
    in_quote = False
    for number in body:
        line = lines[number]
        match = _FIELD_START.match(line)
        starts = (
            not in_quote
            and depth == 0
            and match is not None
            and len(match.group(1)) == indent
            and not line.lstrip().startswith("#")
        )
        if not in_quote and match is not None and len(match.group(1)) < indent:
            return None  # text outside the block's fields: not one block
        if starts:
            fields.append((number, number))
        elif fields and line.strip():
            fields[-1] = (fields[-1][0], number)
        depth, in_quote = _scan(line, depth, in_quote)
    return fields


def _field_indent(lines: list[str], body: range) -> int | None:
    for number in body:
        stripped = lines[number].lstrip()
        if stripped and not stripped.startswith("#"):
            return len(lines[number]) - len(stripped)
    return None


def _closing_line(lines: list[str]) -> int | None:
    for number in range(len(lines) - 1, -1, -1):
        if _code(lines[number]).strip():
            return number if _code(lines[number]).strip() == "}" else None
    return None


def _code(line: str) -> str:
    """A line without its comment (a `#` outside quotes)."""
    in_string = False
    for index, char in enumerate(line):
        if char == '"':
            in_string = not in_string
        elif char == "#" and not in_string:
            return line[:index]
    return line


def _scan(line: str, depth: int, in_quote: bool) -> tuple[int, bool]:
    """Brace depth and whether a triple-quoted text is open, after a line."""
    index = 0
    while index < len(line):
        if line.startswith('"""', index):
            in_quote = not in_quote
            index += 3
            continue
        char = line[index]
        if not in_quote:
            if char == "#":
                break
            if char == '"':
                end = line.find('"', index + 1)
                index = len(line) if end < 0 else end + 1
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
        index += 1
    return depth, in_quote
