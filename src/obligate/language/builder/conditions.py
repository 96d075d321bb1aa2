"""Conditions (`when:`, `unless:`): and/or/not over tests of the service — its type, its
features, its facts compared with numbers or parameters."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase


class ConditionRules(BuilderBase):

    def any_of(self, children: list[m.Condition]) -> m.AnyOf:
        left, right = children
        items = (*left.items, right) if isinstance(left, m.AnyOf) else (left, right)
        return m.AnyOf(span=self._cover(children), items=items)

    def all_of(self, children: list[m.Condition]) -> m.AllOf:
        left, right = children
        items = (*left.items, right) if isinstance(left, m.AllOf) else (left, right)
        return m.AllOf(span=self._cover(children), items=items)

    def negation(self, children: list[m.Condition]) -> m.Not:
        return m.Not(span=self._cover(children), item=children[0])

    def is_a(self, children: list[Token]) -> m.IsA:
        return m.IsA(span=self._token_span(children[0]), name=str(children[0]))

    def has_feature(self, children: list[Token]) -> m.HasFeature:
        return m.HasFeature(span=self._token_span(children[0]), name=str(children[0]))

    def truth(self, children: list[m.FactRef]) -> m.Truth:
        return m.Truth(span=children[0].span, fact=children[0])

    def member(self, children: list[Any]) -> m.Member:
        fact, names = children
        return m.Member(span=self._cover(children), fact=fact, names=tuple(n for n, _ in names))

    def compare(self, children: list[Any]) -> m.Compare:
        left, op, right = children
        return m.Compare.model_validate(
            {"span": self._cover(children), "left": left, "op": str(op), "right": right}
        )

    def fact_ref(self, children: list[Any]) -> m.FactRef:
        subject, name, *key = children
        return m.FactRef.model_validate(
            {
                "span": self._cover(children),
                "subject": str(subject),
                "name": str(name),
                "key": str(key[0]) if key else None,
            }
        )

    def number(self, children: list[Token]) -> m.NumberLit:
        return m.NumberLit(span=self._token_span(children[0]), value=self._number(children[0]))

    def parameter_ref(self, children: list[Token]) -> m.ParamRef:
        return m.ParamRef(span=self._token_span(children[0]), name=str(children[0]))
