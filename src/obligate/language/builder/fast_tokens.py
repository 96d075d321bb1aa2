"""The fast reader's tokens: a chunk cut into Lark's own terminals, with Lark's positions.

The terminals are the grammar's (grammar/obligate.lark): the same regular expressions, DATE
tried before NUMBER as its priority says, names that spell a keyword marked as such. Lark's
contextual lexer decides per parser state whether such a word is a keyword or a NAME; the
reader does not guess: it gives up on a keyword where it expects a name (fast.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from lark import Token

from obligate.language.source_text import grammar_text

# One alternation, each group a terminal of the grammar, after the spaces and comments
# (WS and COMMENT, which the grammar ignores) before it.
_SKIP = (
    r"(?:[ \t\f\r\n]++|#[^\n]*+)*+"  # possessive: a failed match never backtracks through spaces
)
_TOKEN = re.compile(
    _SKIP + r'(?:(?P<STRING>"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*")'
    r"|(?P<DATE>\d+-\d+-\d+)"
    r"|(?P<NUMBER>\d[\d_]*(?:\.\d+)?)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)"
    r"|(?P<COMPARATOR><=|>=|==|!=|<|>)"
    r"|(?P<PUNCT>[{}():,.\[\]]))"
)
_REST = re.compile(_SKIP)


@cache
def keywords() -> frozenset[str]:
    """Every word the grammar spells in quotes: a NAME equal to one may be a keyword to Lark."""
    return frozenset(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', grammar_text()))


class Tokens:
    """A chunk's tokens as parallel lists (kind, text, start), read left to right; the reader
    asks for a Lark ``Token`` only for those a handler receives."""

    __slots__ = ("kinds", "texts", "starts", "newlines", "at")

    def __init__(self, text: str, kinds: list[str], texts: list[str], starts: list[int]) -> None:
        self.kinds = kinds
        self.texts = texts
        self.starts = starts
        self.newlines = [found.start() for found in _NEWLINE.finditer(text)]
        self.at = 0

    def token(self, index: int, kind: str | None = None) -> Token:
        """The token at ``index`` as Lark makes it (lines and columns from 1 within the chunk,
        the end column one past the last character), of ``kind`` if given."""
        start = self.starts[index]
        text = self.texts[index]
        newlines = self.newlines
        before = bisect_right(newlines, start)
        column = start - (newlines[before - 1] + 1 if before else 0) + 1
        line = before + 1
        end = start + len(text)
        breaks = text.count("\n") if text[0] == '"' else 0
        if breaks:
            end_line, end_column = line + breaks, len(text) - text.rindex("\n")
        else:
            end_line, end_column = line, column + len(text)
        token: Token = Token._future_new(  # type: ignore[no-untyped-call]
            kind or self.kinds[index], text, start, line, column, end_line, end_column, end
        )
        return token


_NEWLINE = re.compile("\n")


def tokenize(text: str) -> Tokens | None:
    """The chunk's tokens, or None if some character is not the start of any terminal."""
    kinds: list[str] = []
    texts: list[str] = []
    starts: list[int] = []
    position = 0
    match = _TOKEN.match
    while (found := match(text, position)) is not None:
        kind = found.lastgroup
        assert kind is not None
        kinds.append(kind)
        texts.append(found.group(kind))
        starts.append(found.start(kind))
        position = found.end()
    if _REST.match(text, position).end() != len(text):  # type: ignore[union-attr]
        return None  # a character no terminal starts with
    return Tokens(text, kinds, texts, starts)
