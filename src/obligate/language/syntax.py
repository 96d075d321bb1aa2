"""Stage 1, parse: rule-file text to Lark syntax trees, with syntax errors in plain words.

A file is cut into chunks at lines that open a top-level block, and each chunk is parsed on
its own. A syntax error therefore costs only the block it is in, every block is checked in
one pass, and errors do not cascade. Lark's token names never reach the user: the common
mistakes (a missing colon, a date not in YYYY-MM-DD, an unclosed block, an unknown field)
are recognised from the parser state and said in words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from obligate.language.diagnostics import Diagnostic, Diagnostics, Severity, Span, did_you_mean

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NESTING = 64

TOP_LEVEL = (
    "absence",
    "jurisdiction",
    "instrument",
    "vocabulary",
    "definition",
    "obligation",
    "prohibition",
    "permission",
    "term",
    "enforcement",
)
# A `term` block opens with `term NAME "title" {`; the brace tells it from a `term` entry
# of a vocabulary block, which has none.
_BLOCK_START = re.compile(
    r"^(?:(?:jurisdiction|instrument|definition|obligation|prohibition|permission|absence"
    r"|enforcement)[ \t]+[^\s:]|vocabulary\b"
    r'|term[ \t]+[^\s:"]+[ \t]+"(?:[^"\\\n]|\\.)*"[ \t]*\{)',
    re.MULTILINE,
)

FIELDS = {
    "jurisdiction": ("member_of", "part_of", "party_to", "parties", "note"),
    "instrument": (
        "jurisdiction",
        "url",
        "adopted",
        "effective",
        "until",
        "status",
        "court",
        "reviewed",
        "note",
    ),
    "definition": ("cites", "when", "note"),
    "duty": (
        "category",
        "cites",
        "applies",
        "when",
        "unless",
        "overrides",
        "effective",
        "until",
        "status",
        "court",
        "deadline",
        "terms",
        "note",
    ),
    "vocabulary": (
        "type",
        "feature",
        "service",
        "user",
        "parameter",
        "category",
        "term",
        "attribute",
    ),
    "absence": ("jurisdiction", "category", "checked", "cites", "note"),
    "term": (
        "jurisdiction",
        "cites",
        "quote",
        "paraphrase",
        "none",
        "effective",
        "until",
        "note",
    ),
    "enforcement": ("regulator", "penalty", "sanction", "note"),
}

# Terminal names as a lawyer would say them.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "COLON": "`:`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "DOT": "`.`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COMPARATOR": "a comparison (<, <=, >, >=, ==, !=)",
    "UNIT": "a unit (hours, days, months, years)",
    "MODALITY": "obligation, prohibition or permission",
    "$END": "the end of the file",
}


@dataclass(frozen=True)
class Chunk:
    text: str
    line_offset: int  # lines before the chunk in its file


@dataclass(frozen=True)
class ParsedChunk:
    tree: Any  # a Lark tree, or what an inline builder made of it
    line_offset: int


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


@cache
def parser() -> Lark:
    """The LALR parser, built once per process."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


def chunks(text: str) -> Iterator[Chunk]:
    """Cut a file at the lines that open a top-level block (outside triple-quoted text)."""
    quotes = [m.start() for m in re.finditer('"""', text)]
    starts = [
        m.start()
        for m in _BLOCK_START.finditer(text)
        if bisect.bisect_left(quotes, m.start()) % 2 == 0  # not inside triple-quoted text
    ]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    line = 0
    for begin, end in zip(starts, starts[1:], strict=False):
        piece = text[begin:end]
        yield Chunk(piece, line)
        line += piece.count("\n")


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


def parse(
    path: str,
    text: str,
    diagnostics: Diagnostics,
    using: Callable[[Chunk], Any] | None = None,
) -> list[ParsedChunk]:
    """Parse every chunk of a file; syntax errors go to ``diagnostics``.

    ``using`` parses one chunk; by default the plain parser, giving a syntax tree. The model
    builder passes a parser that builds model blocks while it parses.
    """
    parsed: list[ParsedChunk] = []
    if not text.strip() or not _without_comments(text).strip():
        diagnostics.warning(
            "W001",
            "this file declares nothing",
            Span(path, 1, 1),
            "a rule file holds jurisdiction, instrument, vocabulary, definition or duty blocks",
        )
        return parsed
    for chunk in chunks(text):
        if not chunk.text.strip():
            continue
        if _too_deep(path, chunk, diagnostics):
            continue
        attempt = using if using is not None else _plain
        mark = len(diagnostics.items)
        try:
            tree = attempt(chunk)
        except UnexpectedInput as error:
            del diagnostics.items[mark:]  # what the builder said before the parse failed
            from obligate.language.recovery import recover_chunk  # it imports this module

            tree = recover_chunk(path, chunk, error, attempt, diagnostics)
            if tree is None:
                continue
        parsed.append(ParsedChunk(tree, chunk.line_offset))
    return parsed


def _plain(chunk: Chunk) -> Any:
    return parser().parse(chunk.text)


def _without_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _too_deep(path: str, chunk: Chunk, diagnostics: Diagnostics) -> bool:
    if chunk.text.count("(") <= MAX_NESTING:
        return False  # cannot be deeper than the number of parentheses
    depth = 0
    line = chunk.line_offset + 1
    column = 0
    in_string = False
    for char in chunk.text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif char == "(":
            depth += 1
            if depth > MAX_NESTING:
                diagnostics.error(
                    "E010",
                    f"condition nested more than {MAX_NESTING} levels deep",
                    Span(path, line, column),
                    "split the condition with a definition",
                )
                return True
        elif char == ")":
            depth -= 1
    return False


def _span_at(path: str, chunk: Chunk, line: int, column: int, width: int = 1) -> Span:
    real_line = chunk.line_offset + line
    return Span(path, real_line, column, real_line, column + width)


def _describe(path: str, chunk: Chunk, error: UnexpectedInput) -> Diagnostic:
    code, message, hint, span = _classify(path, chunk, error)
    return Diagnostic(code, message, span, hint, Severity.ERROR)


def _classify(path: str, chunk: Chunk, error: UnexpectedInput) -> tuple[str, str, str | None, Span]:
    if isinstance(error, UnexpectedCharacters):
        return _bad_character(path, chunk, error)
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return _unclosed(path, chunk)
    assert isinstance(error, UnexpectedToken)
    return _bad_token(path, chunk, error)


def _bad_character(
    path: str, chunk: Chunk, error: UnexpectedCharacters
) -> tuple[str, str, str | None, Span]:
    position = error.pos_in_stream or 0
    char = chunk.text[position] if position < len(chunk.text) else "?"
    span = _span_at(path, chunk, error.line, error.column)
    if char == '"':
        return ("E006", 'text opened with `"` is not closed on this line', None, span)
    if not char.isascii():
        return (
            "E005",
            f"unexpected character `{char}`",
            "names use ASCII letters, digits, `_` and `-`; other text goes in quotes",
            span,
        )
    return ("E005", f"unexpected character `{char}`", None, span)


def _unclosed(path: str, chunk: Chunk) -> tuple[str, str, str | None, Span]:
    opened = _last_unclosed_brace(chunk.text)
    if opened is None:
        lines = chunk.text.rstrip("\n").split("\n")
        span = _span_at(path, chunk, len(lines), max(1, len(lines[-1])))
        return ("E001", "the file ends in the middle of a block", None, span)
    line, column = opened
    span = _span_at(path, chunk, line, column)
    keyword = chunk.text.lstrip().split(None, 1)[0] if chunk.text.strip() else "block"
    return (
        "E002",
        f"unclosed block: this `{{` of the {keyword} block is never closed",
        "add `}` at the end of the block",
        span,
    )


def _last_unclosed_brace(text: str) -> tuple[int, int] | None:
    stack: list[tuple[int, int]] = []
    line, column, in_string, in_comment = 1, 0, False, False
    for char in text:
        column += 1
        if char == "\n":
            line, column, in_comment = line + 1, 0, False
            continue
        if in_comment:
            continue
        if char == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif char == "#":
            in_comment = True
        elif char == "{":
            stack.append((line, column))
        elif char == "}" and stack:
            stack.pop()
    return stack[0] if stack else None


def _bad_token(
    path: str, chunk: Chunk, error: UnexpectedToken
) -> tuple[str, str, str | None, Span]:
    token = error.token
    expected = set(error.expected)
    width = max(1, len(str(token)))
    span = _span_at(path, chunk, token.line or 1, token.column or 1, width)
    shown = str(token)
    if expected == {"COLON"}:
        return (
            "E003",
            f"missing `:` before `{shown}`",
            "fields are written `field: value`",
            _previous_end(path, chunk, error, span),
        )
    if shown in (":", "}") and (empty := _empty_field(path, chunk, error)) is not None:
        return empty
    if "DATE" in expected and token.type in ("NUMBER", "NAME"):
        return (
            "E004",
            f"`{shown}` is not a date in YYYY-MM-DD form",
            "write dates as year-month-day with four, two and two digits: 2024-02-17",
            span,
        )
    block = _block_kind(chunk.text)
    if token.type == "NAME" and "MODALITY" in expected and "RBRACE" not in expected:
        hint = did_you_mean(shown, TOP_LEVEL)
        return (
            "E011",
            f"`{shown}` does not start a block",
            hint or f"a block starts with one of: {', '.join(TOP_LEVEL)}",
            span,
        )
    if token.type == "NAME" and block is not None and _expects_field(expected):
        hint = did_you_mean(shown, FIELDS[block])
        return (
            "E009",
            f"unknown field `{shown}` in {_article(_block_word(chunk.text))} block",
            hint or f"the fields are: {', '.join(FIELDS[block])}",
            span,
        )
    if token.type in ("NAME", "MODALITY") and not block and shown not in TOP_LEVEL:
        hint = did_you_mean(shown, TOP_LEVEL)
        return (
            "E011",
            f"`{shown}` does not start a block",
            hint or f"a block starts with one of: {', '.join(TOP_LEVEL)}",
            span,
        )
    return (
        "E001",
        f"unexpected {_describe_token(token)}; expected {_expected_words(expected)}",
        None,
        span,
    )


def _previous_end(path: str, chunk: Chunk, error: UnexpectedToken, fallback: Span) -> Span:
    """Point a missing colon at the end of the field name, where the colon belongs."""
    state = error.interactive_parser
    if state is None:
        return fallback
    values = state.parser_state.value_stack
    for value in reversed(values):
        if isinstance(value, Token) and value.end_line is not None and value.end_column:
            return _span_at(path, chunk, value.end_line, value.end_column)
    return fallback


def _empty_field(
    path: str, chunk: Chunk, error: UnexpectedToken
) -> tuple[str, str, str | None, Span] | None:
    """`category:` with nothing after it: the parser took the next field's name for the
    value and stumbles on that field's `:`. Say so at the empty field."""
    state = error.interactive_parser
    values = [v for v in state.parser_state.value_stack if isinstance(v, Token)] if state else []
    if len(values) >= 2 and values[-1] == ":":  # the next thing is on a later line: `}`
        values.append(error.token)
    if len(values) < 3 or values[-2] != ":" or values[-1].type not in ("NAME", "RBRACE"):
        return None
    field, colon, taken = values[-3], values[-2], values[-1]
    if (taken.line or 0) <= (colon.line or 0):
        return None
    span = _span_at(path, chunk, colon.line or 1, (colon.column or 1) + 1)
    return ("E014", f"`{field}:` has no value", "write the value after `:` on its line", span)


def _expects_field(expected: set[str]) -> bool:
    return "RBRACE" in expected


def _block_kind(text: str) -> str | None:
    words = text.lstrip().split(None, 1)
    if not words:
        return None
    first = words[0].rstrip("{")
    if first in ("obligation", "prohibition", "permission"):
        return "duty"
    return first if first in FIELDS else None


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _block_word(text: str) -> str:
    return text.lstrip().split(None, 1)[0].rstrip("{")


def _describe_token(token: Token) -> str:
    if token.type in ("NAME", "NUMBER", "DATE"):
        return f"`{token}`"
    if token.type == "STRING":
        return "quoted text"
    return f"`{token}`"


def _expected_words(expected: set[str]) -> str:
    words = sorted(_TERMINAL_WORDS.get(name, _keyword(name)) for name in expected)
    if len(words) > 8:
        return ", ".join(words[:8]) + ", ..."
    return ", ".join(words)


def _keyword(terminal: str) -> str:
    return f"`{terminal.lower()}`"
