"""`vocabulary` blocks: the types, features, facts, parameters, categories, terms and
attributes that conditions and terms may name."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase


class VocabularyRules(BuilderBase):
    def vocabulary(self, children: list[m.VocabularyEntry]) -> m.Vocabulary:
        return m.Vocabulary(span=self._cover(children), entries=tuple(children))

    def _entry(self, kind: Any, children: list[Any], **extra: Any) -> m.VocabularyEntry:
        name = children[0]
        description = self._text(children[1]) if len(children) > 1 else None
        return m.VocabularyEntry(
            span=self._token_span(name), kind=kind, name=str(name), description=description, **extra
        )

    def type_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("type", children)

    def feature_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("feature", children)

    def parameter_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("parameter", children)

    def category_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("category", children)

    def fact_decl(self, children: list[Any]) -> m.VocabularyEntry:
        subject, name, fact_type, *rest = children
        return self._entry("fact", [name, *rest], subject=str(subject), fact_type=fact_type)

    def term_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("term", children)

    def attribute_decl(self, children: list[Any]) -> m.VocabularyEntry:
        name, (attribute_type, choices), *rest = children
        return self._entry(
            "attribute", [name, *rest], attribute_type=attribute_type, choices=choices
        )

    def attribute_type(self, children: list[Any]) -> tuple[m.AttributeType, tuple[str, ...]]:
        words = [str(c) for c in children if isinstance(c, Token) and c.type != "LBRACE"]
        names = next((c for c in children if isinstance(c, list)), [])
        if words[0] == "one":
            return m.AttributeType.ONE_OF, tuple(name for name, _ in names)
        return m.AttributeType(words[0]), ()

    def fact_type(self, children: list[Token]) -> m.FactType:
        return m.FactType(" ".join(str(token) for token in children))

    def subject(self, children: list[Token]) -> Token:
        return children[0]  # kept as a token: its position starts the fact's span
