"""What every block's handlers share: where a node sits in its file, and the tokens that
spell texts, dates and numbers.

Values the grammar only shapes loosely (dates) are checked here, where the token's position
is still at hand, and reported as diagnostics.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lark import Token, Transformer

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics, Span

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ESCAPE = re.compile(r"\\(.)")

ENGINE_NUMBER_LIMIT = 1e16
"""The engine reads a number as the JSON text Python writes for it, and refuses one written
with an exponent but no decimal point (``1e+16``, ``1e-05``): whole numbers from 10^16 and
decimals below 0.0001 cannot reach it. Within these bounds every number is written plainly."""
ENGINE_SMALLEST_DECIMAL = 1e-4

# A block's field as its handler returns it: (field name, value, where it was written).
Field = tuple[str, Any, Span]


class BuilderBase(Transformer[Token, list[m.Block]]):
    """The state and helpers of the builder; each block's handlers are a mixin on top."""

    def __init__(self, path: str, line_offset: int, diagnostics: Diagnostics) -> None:
        super().__init__()
        self.path = path
        self.offset = line_offset
        self.diagnostics = diagnostics

    # ------------------------------------------------------------ positions and tokens

    def _cover(self, children: list[Any]) -> Span:
        """The span from the first positioned child to the last (Lark does not hand
        positions to a transformer that runs while parsing)."""
        # plain loops: generators here cost a tenth of a cold compile of a large library
        offset = self.offset
        for child in children:
            first = _bounds(child, offset)
            if first:
                break
        else:
            return Span(self.path, offset + 1, 1)
        last = first  # the first positioned child is the last one at worst
        for child in reversed(children):
            found = _bounds(child, offset)
            if found:
                last = found
                break
        return Span(self.path, first[0], first[1], last[2], last[3])

    def _token_span(self, token: Token) -> Span:
        line = (token.line or 1) + self.offset
        end_line = (token.end_line or token.line or 1) + self.offset
        return Span(self.path, line, token.column or 1, end_line, token.end_column or 1)

    def _text(self, token: Token) -> str:
        raw = str(token)
        if raw.startswith('"""'):
            return raw[3:-3]
        body = raw[1:-1]
        return _ESCAPE.sub(r"\1", body) if "\\" in body else body

    def _date(self, token: Token) -> dt.date | None:
        raw = str(token)
        span = self._token_span(token)
        if not _DATE_SHAPE.match(raw):
            self.diagnostics.error(
                "E004",
                f"`{raw}` is not a date in YYYY-MM-DD form",
                span,
                "write dates as year-month-day: 2024-02-17",
            )
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.diagnostics.error(
                "E004", f"`{raw}` is not a day of the calendar", span, "check the month and the day"
            )
            return None

    def _number(self, token: Token) -> float:
        return float(str(token).replace("_", ""))

    def _engine_number(self, token: Token) -> float:
        """A number the engine will compare (a condition's or a parameter's): one it cannot
        hold is reported here, where its position is known, so that ``check`` refuses what
        ``serve`` would."""
        value = self._number(token)
        small = value != 0 and abs(value) < ENGINE_SMALLEST_DECIMAL
        if value >= ENGINE_NUMBER_LIMIT or small:
            self.diagnostics.error(
                "E015",
                f"the engine cannot hold the number {str(token)}",
                self._token_span(token),
                "numbers in conditions and parameters are below 10,000,000,000,000,000 "
                "and, when not whole, at least 0.0001",
            )
        return value

    # ------------------------------------------------------------ fields of a block

    def _fields(self, kind: str, items: list[Any]) -> dict[str, Field]:
        seen: dict[str, Field] = {}
        for item in items:
            name, _, span = item
            if name in seen and name not in ("parameter_value",):
                self.diagnostics.error(
                    "E012",
                    f"`{name}` is given twice in this {kind}",
                    span,
                    f"the first is at line {seen[name][2].line}",
                )
                continue
            seen.setdefault(name, item)
        return seen

    @staticmethod
    def _value(fields: dict[str, Field], name: str, default: Any = None) -> Any:
        found = fields.get(name)
        return found[1] if found else default

    # ------------------------------------------------------------ file

    def start(self, blocks: list[m.Block]) -> list[m.Block]:
        return blocks


def _bounds(item: Any, offset: int) -> tuple[int, int, int, int] | None:
    """Absolute (line, column, end line, end column) of a token (whose lines count from the
    start of its chunk), a built node, a built field or a list of them."""
    if isinstance(item, Token):
        if item.line is None:
            return None
        end_line = item.end_line or item.line
        return (item.line + offset, item.column or 1, end_line + offset, item.end_column or 1)
    span = None
    if isinstance(item, m.Node):
        span = item.span
    elif isinstance(item, tuple) and item and isinstance(item[-1], Span):
        span = item[-1]
    if span is not None:
        return (span.line, span.col, span.end_line or span.line, span.end_col or span.col)
    if isinstance(item, list) and item:
        first, last = _bounds(item[0], offset), _bounds(item[-1], offset)
        if first and last:
            return (first[0], first[1], last[2], last[3])
    return None
