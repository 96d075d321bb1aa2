"""Conditions (`when:`, `unless:`): and/or/not over tests of the service — its type, its
features, its facts compared with numbers or parameters.

Two limits keep every later stage (checks, the engine, the evaluator, all of which walk a
condition recursively) fast and within Python's recursion limit, reported where they are
crossed: a condition nests at most ``MAX_NESTING`` levels (``not not not ...`` counts, as
parentheses do in syntax.py: E010), and one and/or chain joins at most ``MAX_TERMS`` tests
(E014). Past a limit the builder stops growing the condition, so the work stays linear.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase
from obligate.language.syntax import MAX_NESTING

MAX_TERMS = 512


class ConditionRules(BuilderBase):
    _condition_depths: dict[int, tuple[m.Condition, int]]

    def _depths(self) -> dict[int, tuple[m.Condition, int]]:
        """Each and/or/not node built in this file and its nesting depth (the node is kept
        with its depth, so a reused id is never mistaken for it)."""
        if not hasattr(self, "_condition_depths"):
            self._condition_depths = {}
        return self._condition_depths

    def forget_conditions(self) -> None:
        """Drop the depths remembered for the file just built (call between files)."""
        self._condition_depths = {}

    def _depth(self, node: m.Condition) -> int:
        entry = self._depths().get(id(node))
        return entry[1] if entry is not None and entry[0] is node else 0

    def _remember(self, node: m.Condition, depth: int) -> m.Condition:
        self._depths()[id(node)] = (node, depth)
        return node

    def _chain(self, kind: type[m.AnyOf] | type[m.AllOf], children: list[m.Condition]) -> Any:
        left, right = children
        if isinstance(left, kind):
            if len(left.items) >= MAX_TERMS:
                if self._depth(left) <= MAX_NESTING:  # report once per chain
                    word = "or" if kind is m.AnyOf else "and"
                    self.diagnostics.error(
                        "E017",
                        f"more than {MAX_TERMS} tests joined by `{word}` in one condition",
                        right.span,
                        "split the condition with definitions",
                    )
                    self._remember(left, MAX_NESTING + 1)
                return left
            depth = max(self._depth(left), self._depth(right) + 1)
            node = kind(span=self._cover(children), items=(*left.items, right))
        else:
            depth = max(self._depth(left), self._depth(right)) + 1
            node = kind(span=self._cover(children), items=(left, right))
        return self._limit_depth(node, depth, left)

    def _limit_depth(self, node: m.Condition, depth: int, instead: m.Condition) -> m.Condition:
        if depth <= MAX_NESTING:
            return self._remember(node, depth)
        if self._depth(instead) <= MAX_NESTING:  # report once, then keep the shallower part
            self.diagnostics.error(
                "E010",
                f"condition nested more than {MAX_NESTING} levels deep",
                node.span,
                "split the condition with a definition",
            )
        return self._remember(instead, MAX_NESTING + 1)

    def any_of(self, children: list[m.Condition]) -> m.AnyOf:
        found: m.AnyOf = self._chain(m.AnyOf, children)
        return found

    def all_of(self, children: list[m.Condition]) -> m.AllOf:
        found: m.AllOf = self._chain(m.AllOf, children)
        return found

    def negation(self, children: list[m.Condition]) -> m.Not:
        item = children[0]
        node = m.Not(span=self._cover(children), item=item)
        found: m.Not = self._limit_depth(node, self._depth(item) + 1, item)  # type: ignore[assignment]
        return found

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
        return m.NumberLit(
            span=self._token_span(children[0]), value=self._engine_number(children[0])
        )

    def parameter_ref(self, children: list[Token]) -> m.ParamRef:
        return m.ParamRef(span=self._token_span(children[0]), name=str(children[0]))
