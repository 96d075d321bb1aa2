"""The fast reader: the common shapes of rule-file blocks read without Lark, by a small
recursive-descent reader that hands the builder's own handlers exactly the children Lark's
inline transformer would, in the order Lark would reduce them.

Lark stays the parser of the language (grammar/obligate.lark is its definition); this is an
optimisation proven equal to it (tests/test_fast_reader.py): the nodes it builds are Lark's.
It reads jurisdiction, instrument, definition and duty blocks with their common fields and
every condition; anything else (another block, a status or a court history, a name that
spells a keyword, a syntax error) makes it give up on the chunk, as does any diagnostic a
handler reports, and the chunk goes to Lark, so every diagnostic and position stays Lark's.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase
from obligate.language.builder.fast_tokens import Tokens, keywords, tokenize
from obligate.language.syntax import FIELDS


class GiveUp(Exception):
    """The chunk has a shape the fast reader does not read: Lark reads it."""


_EDGES = frozenset(("member_of", "part_of", "party_to", "parties"))
_DATES = frozenset(("adopted", "effective", "until"))
_MODALITIES = frozenset(("obligation", "prohibition", "permission"))
_DEADLINE_KINDS = frozenset(("within", "retain", "every", "notice"))
_UNITS = frozenset(("hours", "hour", "days", "day", "months", "month", "years", "year"))
# fields whose shape the fast reader leaves to Lark (a block holding one is read by Lark)
_READ_BY_LARK = frozenset(("status", "court", "reviewed"))
_INSTRUMENT_FIELDS = frozenset(FIELDS["instrument"]) - _READ_BY_LARK
_DUTY_FIELDS = frozenset(FIELDS["duty"]) - _READ_BY_LARK
_DEFINITION_FIELDS = frozenset(FIELDS["definition"])
_DECLARATIONS = frozenset(("type", "feature", "parameter", "category", "term"))
# a kept keyword and the keywords that may follow it in the same rule
_FACT_TYPES = {"number": ("per", "jurisdiction"), "boolean": (), "jurisdiction": (), "names": ()}
_ATTRIBUTE_TYPES: dict[str, tuple[str, ...]] = {"number": (), "boolean": (), "text": ()}


def read_chunk(builder: Any, text: str) -> list[m.Block] | None:
    """The chunk's blocks, built by ``builder`` as Lark would build them, or None when the
    chunk is not one the fast reader reads (nothing reported then)."""
    tokens = tokenize(text)
    if tokens is None:
        return None
    diagnostics = builder.diagnostics
    mark = len(diagnostics.items)
    try:
        blocks = _Reader(builder, tokens).chunk()
    except Exception:  # noqa: BLE001 - whatever goes wrong, Lark reads the chunk instead
        del diagnostics.items[mark:]
        return None
    if len(diagnostics.items) != mark:
        del diagnostics.items[mark:]
        return None
    return blocks


class _Base:
    """The tokens and the conditions (which every block kind that has them reads alike)."""

    def __init__(self, builder: BuilderBase, tokens: Tokens) -> None:
        self.b: Any = builder
        self.t = tokens
        self.kinds = tokens.kinds
        self.texts = tokens.texts
        self.count = len(tokens.kinds)
        self.keywords = keywords()

    # ------------------------------------------------------------ tokens

    def _peek(self) -> str:
        """The next token's text ("" at the end)."""
        at = self.t.at
        return self.texts[at] if at < self.count else ""

    def _expect(self, text: str) -> None:
        """A keyword or punctuation mark."""
        at = self.t.at
        if at >= self.count or self.texts[at] != text:
            raise GiveUp
        self.t.at = at + 1

    def _take(self, kind: str, as_kind: str | None = None) -> Token:
        at = self.t.at
        if at >= self.count or self.kinds[at] != kind:
            raise GiveUp
        self.t.at = at + 1
        return self.t.token(at, as_kind)

    def _name(self) -> Token:
        """A NAME that cannot be a keyword to Lark."""
        at = self.t.at
        if at >= self.count or self.kinds[at] != "NAME" or self.texts[at] in self.keywords:
            raise GiveUp
        self.t.at = at + 1
        return self.t.token(at)

    # ------------------------------------------------------------ conditions

    def _condition(self) -> Any:
        left = self._and()
        while self._peek() == "or":
            self.t.at += 1
            left = self.b.any_of([left, self._and()])
        return left

    def _and(self) -> Any:
        left = self._not()
        while self._peek() == "and":
            self.t.at += 1
            left = self.b.all_of([left, self._not()])
        return left

    def _not(self) -> Any:
        if self._peek() == "not":
            self.t.at += 1
            return self.b.negation([self._not()])
        return self._atom()

    def _atom(self) -> Any:
        b = self.b
        word = self._peek()
        if word == "(":
            self.t.at += 1
            inner = self._condition()
            self._expect(")")
            return inner
        if word == "service" and self.kinds[self.t.at] == "NAME":
            after = self.texts[self.t.at + 1] if self.t.at + 1 < self.count else ""
            if after == "is" or after == "has":
                self.t.at += 2
                return (b.is_a if after == "is" else b.has_feature)([self._name()])
        if word == "service" or word == "user":
            fact = self._fact_ref()
            follows = self._peek()
            if follows == "in":
                self.t.at += 1
                self._expect("{")
                names = self._name_list()
                self._expect("}")
                return b.member([fact, names])
            if self.t.at < self.count and self.kinds[self.t.at] == "COMPARATOR":
                return self._compare(fact)
            return b.truth([fact])
        if self.t.at < self.count and self.kinds[self.t.at] == "NUMBER":
            return self._compare(b.number([self._take("NUMBER")]))
        return self._compare(b.parameter_ref([self._name()]))

    def _compare(self, left: Any) -> Any:
        op = self._take("COMPARATOR")
        return self.b.compare([left, op, self._operand()])

    def _operand(self) -> Any:
        word = self._peek()
        if self.t.at < self.count and self.kinds[self.t.at] == "NUMBER":
            return self.b.number([self._take("NUMBER")])
        if word == "service" or word == "user":
            return self._fact_ref()
        return self.b.parameter_ref([self._name()])

    def _fact_ref(self) -> Any:
        b = self.b
        word = self._peek()
        subject = b.subject([self._take("NAME", word.upper())])
        self._expect(".")
        parts: list[Any] = [subject, self._name()]
        if self._peek() == "[":
            self.t.at += 1
            parts.append(self._name())
            self._expect("]")
        return b.fact_ref(parts)

    def _name_list(self) -> Any:
        names = [self._name()]
        while self._peek() == ",":
            self.t.at += 1
            names.append(self._name())
        return self.b.name_list(names)


class _Reader(_Base):
    """The blocks and their fields."""

    # ------------------------------------------------------------ blocks

    def chunk(self) -> list[m.Block]:
        blocks: list[Any] = []
        while self.t.at < self.count:
            word = self._peek()
            if word == "jurisdiction":
                blocks.append(self._jurisdiction())
            elif word == "instrument":
                blocks.append(self._instrument())
            elif word == "definition":
                blocks.append(self._definition())
            elif word == "vocabulary":
                blocks.append(self._vocabulary())
            elif word in _MODALITIES and self.kinds[self.t.at] == "NAME":
                blocks.append(self._duty())
            else:
                raise GiveUp
        found: list[m.Block] = self.b.start(blocks)
        return found

    def _head(self) -> list[Any]:
        self.t.at += 1  # the block's keyword, already looked at
        name = self._name()
        title = self._take("STRING")
        self._expect("{")
        return [name, title]

    def _jurisdiction(self) -> m.Jurisdiction:
        children = self._head()
        b = self.b
        while (word := self._peek()) != "}":
            if word in _EDGES:
                self.t.at += 1
                self._expect(":")
                children.append(getattr(b, word)([self._name_list()]))
            elif word == "note":
                children.append(self._note())
            else:
                children.append(self._parameter_value())
        self.t.at += 1
        found: m.Jurisdiction = b.jurisdiction(children)
        return found

    def _parameter_value(self) -> Any:
        b = self.b
        parts: list[Any] = [self._name()]
        self._expect(":")
        parts.append(self._take("NUMBER"))
        if self._peek() == "from":
            self.t.at += 1
            parts.append(b.since([self._take("DATE")]))
        if self._peek() == "under":
            self.t.at += 1
            instrument = self._name()
            parts.append(b.under([instrument, self._take("STRING")]))
        return b.parameter_value(parts)

    def _instrument(self) -> m.Instrument:
        children = self._head()
        b = self.b
        while (word := self._peek()) != "}":
            if word not in _INSTRUMENT_FIELDS:
                raise GiveUp
            if word == "jurisdiction":
                self.t.at += 1
                self._expect(":")
                children.append(b.jurisdiction_ref([self._name()]))
            elif word == "url":
                self.t.at += 1
                self._expect(":")
                children.append(b.url([self._take("STRING")]))
            elif word == "note":
                children.append(self._note())
            else:
                children.append(self._date_field(word))
        self.t.at += 1
        found: m.Instrument = b.instrument(children)
        return found

    def _definition(self) -> m.Definition:
        children = self._head()
        self._duty_fields(children, _DEFINITION_FIELDS)
        found: m.Definition = self.b.definition(children)
        return found

    def _duty(self) -> m.Duty:
        modality = self._take("NAME", "MODALITY")
        children: list[Any] = [modality, self._name(), self._take("STRING")]
        self._expect("{")
        self._duty_fields(children, _DUTY_FIELDS)
        found: m.Duty = self.b.duty(children)
        return found

    def _duty_fields(self, children: list[Any], allowed: frozenset[str]) -> None:
        """Reads fields up to and past the block's closing brace into ``children``."""
        while (word := self._peek()) != "}":
            if word not in allowed:
                raise GiveUp
            children.append(self._duty_field(word))
        self.t.at += 1

    def _vocabulary(self) -> m.Vocabulary:
        self.t.at += 1
        self._expect("{")
        entries = []
        while (word := self._peek()) != "}":
            entries.append(self._vocabulary_entry(word))
        self.t.at += 1
        found: m.Vocabulary = self.b.vocabulary(entries)
        return found

    def _vocabulary_entry(self, word: str) -> Any:
        b = self.b
        if word in _DECLARATIONS and self.kinds[self.t.at] == "NAME":
            self.t.at += 1
            return getattr(b, f"{word}_decl")([self._name(), *self._description()])
        if word == "service" or word == "user":
            subject = b.subject([self._take("NAME", word.upper())])
            self._expect("fact")
            name = self._name()
            self._expect(":")
            fact_type = b.fact_type(self._words(_FACT_TYPES))
            return b.fact_decl([subject, name, fact_type, *self._description()])
        if word == "attribute":
            self.t.at += 1
            name = self._name()
            self._expect(":")
            if self._peek() == "one":
                words = [self._take("NAME", "ONE")]
                if self._peek() != "of":
                    raise GiveUp
                words.append(self._take("NAME", "OF"))
                if self._peek() != "{":
                    raise GiveUp
                words.append(self._take("PUNCT", "LBRACE"))
                words.append(self._name_list())
                if self._peek() != "}":
                    raise GiveUp
                words.append(self._take("PUNCT", "RBRACE"))
                attribute_type = b.attribute_type(words)
            else:
                attribute_type = b.attribute_type(self._words(_ATTRIBUTE_TYPES))
            return b.attribute_decl([name, attribute_type, *self._description()])
        raise GiveUp

    def _description(self) -> list[Token]:
        if self.t.at < self.count and self.kinds[self.t.at] == "STRING":
            return [self._take("STRING")]
        return []

    def _words(self, shapes: dict[str, tuple[str, ...]]) -> list[Token]:
        """Keywords kept as tokens (a `!` rule): a first word of ``shapes`` and, if the text
        goes on with them, the words that may follow it."""
        first = self._peek()
        if first not in shapes or self.kinds[self.t.at] != "NAME":
            raise GiveUp
        words = [self._take("NAME", first.upper())]
        tail = shapes[first]
        if tail and self.texts[self.t.at : self.t.at + len(tail)] == list(tail):
            words.extend(self._take("NAME", word.upper()) for word in tail)
        return words

    # ------------------------------------------------------------ fields

    def _duty_field(self, word: str) -> Any:
        b = self.b
        if word in _DATES:
            return self._date_field(word)
        if word == "note":
            return self._note()
        self.t.at += 1
        if word == "applies":
            self._expect("to")
            self._expect(":")
            hooks = [self._hook()]
            while self._peek() == "or":
                self.t.at += 1
                hooks.append(self._hook())
            return b.applies(hooks)
        self._expect(":")
        if word == "category":
            return b.category([self._name()])
        if word == "cites":
            parts: list[Any] = [self._name(), self._take("STRING")]
            if self._peek() == "at":
                self.t.at += 1
                parts.append(b.at([self._take("STRING")]))
            return b.cites(parts)
        if word == "when" or word == "unless":
            return getattr(b, word)([self._condition()])
        if word == "deadline":
            return self._deadline()
        return getattr(b, word)([self._name_list()])  # overrides, terms

    def _date_field(self, word: str) -> Any:
        self.t.at += 1
        self._expect(":")
        return getattr(self.b, word)([self._take("DATE")])

    def _note(self) -> Any:
        self.t.at += 1
        self._expect(":")
        return self.b.note([self._take("STRING")])

    def _hook(self) -> m.Hook:
        word = self._peek()
        self.t.at += 1
        if word == "users":
            self._expect("in")
            found: m.Hook = self.b.users_in([self._name()])
            return found
        if word == "services":
            self._expect("established")
            self._expect("in")
            found = self.b.established_in([self._name()])
            return found
        raise GiveUp

    def _deadline(self) -> Any:
        parts: list[Any] = []
        if self._peek() in _DEADLINE_KINDS and self.kinds[self.t.at] == "NAME":
            parts.append(self._take("NAME", "DEADLINE_KIND"))
        if self.t.at < self.count and self.kinds[self.t.at] == "STRING":
            parts.append(self._take("STRING"))
            return self.b.qualitative_deadline(parts)
        parts.append(self._take("NUMBER"))
        if self._peek() not in _UNITS or self.kinds[self.t.at] != "NAME":
            raise GiveUp
        parts.append(self._take("NAME", "UNIT"))
        if self.t.at < self.count and self.kinds[self.t.at] == "STRING":
            parts.append(self._take("STRING"))
        return self.b.deadline(parts)
