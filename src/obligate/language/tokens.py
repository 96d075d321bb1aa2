"""A rule file as a lossless syntax tree: every token, keywords and comments included, with
its position, for the tools that must give back exactly what they read (the formatter) or
point at one word of it (the language server).

The compiler's parser drops anonymous tokens (`:`, `{`, keywords) and comments; here one more
Lark parser over the same grammar keeps them all (``keep_all_tokens``), and the comments the
lexer skips are collected by a lexer callback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from obligate.language.syntax import chunks, grammar_text

_LOCK = threading.Lock()


@dataclass(frozen=True)
class FullTree:
    """A parsed file: the tree with every token, and the comments in file order."""

    tree: Tree[Token]
    comments: tuple[Token, ...]


class _Comments:
    def __init__(self) -> None:
        self.found: list[Token] = []

    def __call__(self, token: Token) -> Token:
        self.found.append(token)
        return token


@cache
def _parser() -> tuple[Lark, _Comments]:
    comments = _Comments()
    lark = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
        lexer_callbacks={"COMMENT": comments},
    )
    return lark, comments


def parse_full(text: str) -> FullTree:
    """Parse a whole file keeping every token; raises Lark's ``UnexpectedInput`` on a syntax
    error (check the file with ``syntax.parse`` first for diagnostics in words)."""
    lark, comments = _parser()
    with _LOCK:
        comments.found = []
        tree = lark.parse(text)
        found = tuple(comments.found)
    return FullTree(tree, found)


def leaves(tree: Tree[Token]) -> Iterator[Token]:
    """The tokens of a tree in file order."""
    for child in tree.children:
        if isinstance(child, Token):
            yield child
        else:
            yield from leaves(child)


def tokens_with_comments(full: FullTree) -> list[Token]:
    """Every token of the file, comments included, in file order."""
    merged = [*leaves(full.tree), *full.comments]
    merged.sort(key=lambda token: token.start_pos or 0)
    return merged


@dataclass(frozen=True)
class Piece:
    """One top-level block (or run of blocks) that parsed, and the lines before it."""

    full: FullTree
    line_offset: int


def parse_pieces(text: str) -> list[Piece]:
    """The blocks of a file that parse, each with every token, skipping the broken ones: what
    an editor can still point at while the file is being typed."""
    pieces: list[Piece] = []
    for chunk in chunks(text):
        if not chunk.text.strip():
            continue
        try:
            pieces.append(Piece(parse_full(chunk.text), chunk.line_offset))
        except UnexpectedInput:
            continue
    return pieces
