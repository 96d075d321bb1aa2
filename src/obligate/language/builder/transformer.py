"""The builder: every block's handlers in one Lark transformer, run either over syntax trees
or inline while Lark parses (the compiler's fast path, which keeps no tree)."""

from __future__ import annotations

import threading
from functools import cache

from lark import Lark

from obligate.language import model as m
from obligate.language.builder.absences import AbsenceRules
from obligate.language.builder.conditions import ConditionRules
from obligate.language.builder.definitions import DefinitionRules
from obligate.language.builder.duties import DutyRules
from obligate.language.builder.enforcement import EnforcementRules
from obligate.language.builder.fast import read_chunk
from obligate.language.builder.instruments import InstrumentRules
from obligate.language.builder.jurisdictions import JurisdictionRules
from obligate.language.builder.values import ValueRules
from obligate.language.builder.vocabulary import VocabularyRules
from obligate.language.diagnostics import Diagnostics
from obligate.language.syntax import Chunk, ParsedChunk, grammar_text, parse


class Builder(
    JurisdictionRules,
    InstrumentRules,
    VocabularyRules,
    DefinitionRules,
    DutyRules,
    AbsenceRules,
    EnforcementRules,
    ConditionRules,
    ValueRules,
):
    """One handler per grammar rule, named as the rule; each block kind's handlers live in
    their own mixin (no two mixins define the same name)."""


def build(path: str, chunks: list[ParsedChunk], diagnostics: Diagnostics) -> m.RuleFile:
    """Model blocks from syntax trees (the two-step path: parse, then build)."""
    blocks: list[m.Block] = []
    builder = Builder(path, 0, diagnostics)
    for chunk in chunks:
        builder.offset = chunk.line_offset
        blocks.extend(builder.transform(chunk.tree))
    builder.forget_conditions()
    return m.RuleFile(path=path, blocks=tuple(blocks))


_INLINE_LOCK = threading.Lock()


@cache
def _inline_builder() -> Builder:
    return Builder("", 0, Diagnostics())


@cache
def _inline() -> Lark:
    """Lark with the builder inline: made on the first chunk the fast reader leaves to it."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        transformer=_inline_builder(),
    )


def parse_and_build(path: str, text: str, diagnostics: Diagnostics) -> m.RuleFile:
    """Parse a file and build its model in one pass: the fast reader (fast.py) or, for a
    chunk it does not read, Lark calls the builder as it reduces, so no syntax tree is kept
    (the path the compiler uses)."""
    builder = _inline_builder()
    with _INLINE_LOCK:
        builder.path, builder.diagnostics = path, diagnostics

        def parse_chunk(chunk: Chunk) -> list[m.Block]:
            builder.offset = chunk.line_offset
            blocks = read_chunk(builder, chunk.text)
            if blocks is None:
                parsed: list[m.Block] = _inline().parse(chunk.text)  # type: ignore[assignment]
                return parsed
            return blocks

        builder.forget_conditions()
        try:
            chunks = parse(path, text, diagnostics, using=parse_chunk)
        finally:
            builder.forget_conditions()
    return m.RuleFile(path=path, blocks=tuple(b for c in chunks for b in c.tree))
