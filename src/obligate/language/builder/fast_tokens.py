"""The fast reader's tokens: a chunk cut into Lark's own terminals, with Lark's positions.

The terminals are the grammar's (grammar/obligate.lark): the same regular expressions, DATE
tried before NUMBER as its priority says, names that spell a keyword marked as such. Lark's
contextual lexer decides per parser state whether such a word is a keyword or a NAME; the
reader does not guess: it gives up on a keyword where it expects a name (fast.py).
"""

from __future__ import annotations

import re
from functools import cache

from lark import Token

from obligate.language.source_text import grammar_text

# One alternation, each group a terminal of the grammar (WS and COMMENT are skipped).
_TOKEN = re.compile(
    r"(?P<skip>[ \t\f\r\n]+|#[^\n]*)"
    r'|(?P<STRING>"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*")'
    r"|(?P<DATE>\d+-\d+-\d+)"
    r"|(?P<NUMBER>\d[\d_]*(?:\.\d+)?)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)"
    r"|(?P<COMPARATOR><=|>=|==|!=|<|>)"
    r"|(?P<PUNCT>[{}():,.\[\]])"
)


@cache
def keywords() -> frozenset[str]:
    """Every word the grammar spells in quotes: a NAME equal to one may be a keyword to Lark."""
    return frozenset(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', grammar_text()))


Place = tuple[int, int, int, int, int, int]  # start, line, column, end line, end column, end


class Tokens:
    """A chunk's tokens as parallel lists (kind, text, place), read left to right; the reader
    asks for a Lark ``Token`` only for those a handler receives."""

    __slots__ = ("kinds", "texts", "places", "at")

    def __init__(self, kinds: list[str], texts: list[str], places: list[Place]) -> None:
        self.kinds = kinds
        self.texts = texts
        self.places = places
        self.at = 0

    def token(self, index: int, kind: str | None = None) -> Token:
        """The token at ``index`` as Lark makes it (lines and columns from 1 within the chunk,
        the end column one past the last character), of ``kind`` if given."""
        start, line, column, end_line, end_column, end = self.places[index]
        text = self.texts[index]
        return Token._future_new(
            kind or self.kinds[index], text, start, line, column, end_line, end_column, end
        )


def tokenize(text: str) -> Tokens | None:
    """The chunk's tokens, or None if some character is not the start of any terminal."""
    kinds: list[str] = []
    texts: list[str] = []
    places: list[Place] = []
    line, line_start, position, end = 1, 0, 0, len(text)
    match = _TOKEN.match
    while position < end:
        found = match(text, position)
        if found is None:
            return None
        kind = found.lastgroup
        value = found.group()
        after = found.end()
        if kind == "skip" or kind == "STRING":
            breaks = value.count("\n")
        else:
            breaks = 0
        if kind != "skip":
            column = position - line_start + 1
            if breaks:
                end_line = line + breaks
                end_column = len(value) - value.rindex("\n")
            else:
                end_line, end_column = line, column + len(value)
            assert kind is not None
            kinds.append(kind)
            texts.append(value)
            places.append((position, line, column, end_line, end_column, after))
        if breaks:
            line += breaks
            line_start = position + value.rindex("\n") + 1
        position = after
    return Tokens(kinds, texts, places)
