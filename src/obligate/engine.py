"""Inference with durable-rules: the only module that touches it.

Conditions are put in negation normal form and then in disjunctive normal form; every
conjunction of literals becomes one durable-rules rule, shared by every duty and definition
that has it. Literals are monotonic (a negated fact is a positive test for ``False``; a
negated definition is its own derived fact ``not:NAME``), so a rule fires exactly when the
known facts make the condition true, and an unknown fact never makes a rule fire.

durable-rules traps handled here: facts (not events) so one query fact feeds every rule; a
catch-all rule so no fact goes unhandled; rulesets are process-wide by name, so the name
carries the rule base's content hash; one session id per query, deleted afterwards; at most
4,096 rules per ruleset, so large libraries are split; its C engine is not documented as
thread-safe, so calls are serialised.
"""

from __future__ import annotations

import itertools
import operator
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from durable import lang

from obligate import model as m
from obligate.resolve import BUILTIN_LIST_FACTS, Library

MAX_DISJUNCTS = 256
RULES_PER_RULESET = 4000

# A literal: ("attr", attribute, op, value), ("pair", attribute, op, attribute),
# or ("derived", name, positive).
Literal = tuple[Any, ...]
Conjunction = frozenset[Literal]

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class TooComplex(Exception):
    def __init__(self, node: m.Node) -> None:
        super().__init__(f"condition expands to more than {MAX_DISJUNCTS} alternatives")
        self.node = node


def safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name)


# ---------------------------------------------------------------- normal forms


class Normaliser:
    """Conditions to DNF over monotonic literals."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def dnf(self, node: m.Condition | None, positive: bool = True) -> list[Conjunction]:
        if node is None:
            return [frozenset()] if positive else []
        if isinstance(node, m.Not):
            return self.dnf(node.item, not positive)
        if isinstance(node, (m.AllOf, m.AnyOf)):
            conjunctive = isinstance(node, m.AllOf) == positive
            parts = [self.dnf(item, positive) for item in node.items]
            return self._and(parts, node) if conjunctive else _or(parts)
        return self._leaf(node, positive)

    def _and(self, parts: list[list[Conjunction]], node: m.Node) -> list[Conjunction]:
        result: list[Conjunction] = [frozenset()]
        for part in parts:
            result = list(dict.fromkeys(a | b for a in result for b in part))
            if len(result) > MAX_DISJUNCTS:
                raise TooComplex(node)
        return result

    def _leaf(self, node: m.Condition, positive: bool) -> list[Conjunction]:
        if isinstance(node, m.IsA):
            if node.name in self.library.definitions:
                return [frozenset({("derived", node.name, positive)})]
            return [frozenset({("attr", f"t_{safe(node.name)}", "==", positive)})]
        if isinstance(node, m.HasFeature):
            return [frozenset({("attr", f"f_{safe(node.name)}", "==", positive)})]
        if isinstance(node, m.Truth):
            return [frozenset({("attr", fact_attribute(node.fact), "==", positive)})]
        if isinstance(node, m.Member):
            flags = [
                ("attr", attr, "==", positive) for attr in member_attributes(self.library, node)
            ]
            return [frozenset({f}) for f in flags] if positive else [frozenset(flags)]
        assert isinstance(node, m.Compare)
        return [frozenset({_comparison(node, positive)})]


def _or(parts: list[list[Conjunction]]) -> list[Conjunction]:
    merged = list(dict.fromkeys(c for part in parts for c in part))
    if len(merged) > MAX_DISJUNCTS:
        raise TooComplex(m.AnyOf.model_construct(items=()))
    return merged


def fact_attribute(ref: m.FactRef) -> str:
    prefix = "s" if ref.subject == "service" else "u"
    base = f"{prefix}_{safe(ref.name)}"
    return f"{base}__{safe(ref.key)}" if ref.key else base


def member_attributes(library: Library, node: m.Member) -> list[str]:
    fact = node.fact
    if fact.subject == "service" and fact.name in BUILTIN_LIST_FACTS:
        prefix = "t" if fact.name == "types" else "f"
        return [f"{prefix}_{safe(n)}" for n in node.names]
    entry = library.fact(fact)
    if entry is not None and entry.fact_type is m.FactType.JURISDICTION:
        return [f"{fact_attribute(fact)}__in_{safe(n)}" for n in node.names]
    return [f"{fact_attribute(fact)}__has_{safe(n)}" for n in node.names]


def _operand(operand: m.FactRef | m.NumberLit | m.ParamRef) -> tuple[str, Any]:
    if isinstance(operand, m.NumberLit):
        return "value", operand.value
    if isinstance(operand, m.ParamRef):
        return "attr", f"p_{safe(operand.name)}"
    return "attr", fact_attribute(operand)


def _comparison(node: m.Compare, positive: bool) -> Literal:
    op = node.op if positive else _NEGATE[node.op]
    left_kind, left = _operand(node.left)
    right_kind, right = _operand(node.right)
    if left_kind == "value" and right_kind == "value":
        return ("const", bool(_OPS[op](left, right)))
    if left_kind == "value":
        left_kind, left, right_kind, right, op = right_kind, right, left_kind, left, _FLIP[op]
    if right_kind == "value":
        return ("attr", left, op, right)
    return ("pair", left, op, right)


# ---------------------------------------------------------------- rule sets


@dataclass
class RulePlan:
    """What the engine must fire: conjunction -> who needs it."""

    conjunctions: list[Conjunction] = field(default_factory=list)
    index: dict[Conjunction, int] = field(default_factory=dict)
    definition_rules: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)

    def add(self, conjunction: Conjunction) -> int:
        position = self.index.get(conjunction)
        if position is None:
            position = len(self.conjunctions)
            self.conjunctions.append(conjunction)
            self.index[conjunction] = position
            for literal in conjunction:
                if literal[0] in ("attr", "pair"):
                    self.attributes.add(literal[1])
                if literal[0] == "pair":
                    self.attributes.add(literal[3])
        return position


class Engine:
    """A compiled set of durable-rules rulesets for one rule base."""

    _sessions = itertools.count(1)
    _lock = threading.Lock()
    _registered: dict[str, Engine] = {}

    def __init__(self, name: str, plan: RulePlan, duty_rules: Iterable[int]) -> None:
        self.name = name
        self.plan = plan
        self._results: dict[str, set[int]] = {}
        self._asserted: dict[str, set[str]] = {}
        definition_positions = sorted(plan.definition_rules)
        duty_positions = sorted(set(duty_rules) - set(definition_positions))
        room = max(1, RULES_PER_RULESET - len(definition_positions))
        batches = [duty_positions[i : i + room] for i in range(0, len(duty_positions), room)] or [
            []
        ]
        self.rulesets = [f"{name}-{n}" for n in range(len(batches))]
        for ruleset_name, batch in zip(self.rulesets, batches, strict=True):
            self._declare(ruleset_name, [*definition_positions, *batch])

    @classmethod
    def shared(cls, name: str, plan: RulePlan, duty_rules: Iterable[int]) -> Engine:
        """One engine per rule-base version per process: durable-rules names are global."""
        with cls._lock:
            engine = cls._registered.get(name)
            if engine is None:
                engine = cls(name, plan, duty_rules)
                cls._registered[name] = engine
            return engine

    def _declare(self, ruleset_name: str, positions: list[int]) -> None:
        with lang.ruleset(ruleset_name):
            for position in positions:
                patterns = _patterns(self.plan.conjunctions[position])
                if patterns is None:
                    continue
                lang.when_all(*patterns)(self._action(position))
            lang.when_all(+lang.m.kind)(_ignore)

    def _action(self, position: int) -> Callable[[Any], None]:
        derives = [
            _derived_name(name, positive)
            for name, positive in self.plan.definition_rules.get(position, [])
        ]
        results = self._results
        asserted = self._asserted

        def fired(context: Any) -> None:
            sid = context.q.sid
            results[sid].add(position)
            for derived in derives:
                # durable-rules rejects a fact asserted twice in one session (and the
                # exception would abort the rest of this action): assert each once.
                if derived not in asserted[sid]:
                    asserted[sid].add(derived)
                    context.assert_fact({"kind": "derived", "name": derived})

        return fired

    def fire(self, fact: Mapping[str, Any]) -> set[int]:
        """The conjunctions that hold for one query fact."""
        with self._lock:
            sid = f"q{next(self._sessions)}"
            self._results[sid] = set()
            try:
                for ruleset_name in self.rulesets:
                    # Each ruleset holds its own facts: derive the definitions again in each.
                    self._asserted[sid] = set()
                    lang.assert_fact(ruleset_name, {**fact, "sid": sid, "kind": "query"})
                    lang.get_host().delete_state(ruleset_name, sid)
            finally:
                fired = self._results.pop(sid)
                self._asserted.pop(sid, None)
        return fired


def _ignore(context: Any) -> None:
    """Catch-all: every fact matches some rule, so none is reported unhandled."""


def _derived_name(name: str, positive: bool) -> str:
    return name if positive else f"not:{name}"


def _patterns(conjunction: Conjunction) -> list[Any] | None:
    query = lang.m.kind == "query"
    derived: list[Any] = []
    for literal in sorted(conjunction, key=repr):
        kind = literal[0]
        if kind == "const":
            if not literal[1]:
                return None
        elif kind == "attr":
            query = query & _OPS[literal[2]](getattr(lang.m, literal[1]), literal[3])
        elif kind == "pair":
            left, right = getattr(lang.m, literal[1]), getattr(lang.m, literal[3])
            # durable-rules matches a comparison whose right-hand attribute is missing, so
            # both sides must be present: an unknown value never makes a rule fire.
            query = query & +left & +right & _OPS[literal[2]](left, right)
        else:
            name = _derived_name(literal[1], literal[2])
            alias = f"d{len(derived)}"
            derived.append(
                getattr(lang.c, alias) << ((lang.m.kind == "derived") & (lang.m.name == name))
            )
    return [lang.c.q << query, *derived]
