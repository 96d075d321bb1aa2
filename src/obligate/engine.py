"""Inference with durable-rules: the only module that touches it.

Conditions are put in negation normal form, then split into alternatives only where they
join different derived facts (definitions); and/or over the query fact stay inside one
durable-rules pattern. Each distinct rule is shared by every duty and definition that has
it. Literals are monotonic (a negated fact is a positive test for ``False``; a negated
definition is its own derived fact ``not:NAME``), so a rule fires exactly when the known
facts make the condition true, and an unknown fact never makes a rule fire.

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
CACHE_SIZE = 100_000
AGE = "u_age"

# A literal: ("attr", attribute, op, value), ("pair", attribute, op, attribute),
# ("const", bool) or ("derived", name, positive).
Literal = tuple[Any, ...]
# An expression over the query fact: ("lit", literal), ("and", exprs), ("or", exprs),
# ("true",) or ("false",). durable-rules evaluates and/or inside one pattern.
Expr = tuple[Any, ...]
TRUE: Expr = ("true",)
FALSE: Expr = ("false",)
# One rule: the derived facts it joins with, and the expression on the query fact.
Alternative = tuple[frozenset[Literal], Expr]

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


def conjoin(parts: Iterable[Expr]) -> Expr:
    items: list[Expr] = []
    for part in parts:
        if part == FALSE:
            return FALSE
        if part == TRUE:
            continue
        items.extend(part[1] if part[0] == "and" else (part,))
    unique = sorted(set(items), key=repr)
    return TRUE if not unique else unique[0] if len(unique) == 1 else ("and", tuple(unique))


def disjoin(parts: Iterable[Expr]) -> Expr:
    items: list[Expr] = []
    for part in parts:
        if part == TRUE:
            return TRUE
        if part == FALSE:
            continue
        items.extend(part[1] if part[0] == "or" else (part,))
    unique = sorted(set(items), key=repr)
    return FALSE if not unique else unique[0] if len(unique) == 1 else ("or", tuple(unique))


def literals(expression: Expr) -> Iterable[Literal]:
    if expression[0] == "lit":
        yield expression[1]
    elif expression[0] in ("and", "or"):
        for item in expression[1]:
            yield from literals(item)


class Normaliser:
    """Conditions to a few rules each: negations pushed to monotonic literals, then
    alternatives split only where they join different derived facts (definitions); every
    other and/or stays inside one durable-rules pattern."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def alternatives(self, node: m.Condition | None, positive: bool = True) -> list[Alternative]:
        if node is None:
            return [(frozenset(), TRUE if positive else FALSE)]
        if isinstance(node, m.Not):
            return self.alternatives(node.item, not positive)
        if isinstance(node, (m.AllOf, m.AnyOf)):
            conjunctive = isinstance(node, m.AllOf) == positive
            parts = [self.alternatives(item, positive) for item in node.items]
            return self._and(parts, node) if conjunctive else _grouped(a for p in parts for a in p)
        return self._leaf(node, positive)

    def _and(self, parts: list[list[Alternative]], node: m.Node) -> list[Alternative]:
        result: list[Alternative] = [(frozenset(), TRUE)]
        for part in parts:
            combined = [(d1 | d2, conjoin((e1, e2))) for d1, e1 in result for d2, e2 in part]
            result = _grouped(combined)
            if len(result) > MAX_DISJUNCTS:
                raise TooComplex(node)
        return result

    def _leaf(self, node: m.Condition, positive: bool) -> list[Alternative]:
        none: frozenset[Literal] = frozenset()
        if isinstance(node, m.IsA) and node.name in self.library.definitions:
            return [(frozenset({("derived", node.name, positive)}), TRUE)]
        if isinstance(node, m.IsA):
            return [(none, ("lit", ("attr", f"t_{safe(node.name)}", "==", positive)))]
        if isinstance(node, m.HasFeature):
            return [(none, ("lit", ("attr", f"f_{safe(node.name)}", "==", positive)))]
        if isinstance(node, m.Truth):
            return [(none, ("lit", ("attr", fact_attribute(node.fact), "==", positive)))]
        if isinstance(node, m.Member):
            flags = [
                ("lit", ("attr", a, "==", positive)) for a in member_attributes(self.library, node)
            ]
            return [(none, disjoin(flags) if positive else conjoin(flags))]
        assert isinstance(node, m.Compare)
        literal = _comparison(node, positive)
        if literal[0] == "const":
            return [(none, TRUE if literal[1] else FALSE)]
        return [(none, ("lit", literal))]


def _grouped(alternatives: Iterable[Alternative]) -> list[Alternative]:
    """Alternatives that join the same derived facts merge into one (their expressions or-ed)."""
    by_derived: dict[frozenset[Literal], list[Expr]] = {}
    for derived, expression in alternatives:
        if expression != FALSE:
            by_derived.setdefault(derived, []).append(expression)
    return [(d, disjoin(e)) for d, e in sorted(by_derived.items(), key=repr)]


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
    """What the engine must fire: each distinct rule, and who needs it."""

    rules: list[Alternative] = field(default_factory=list)
    index: dict[Alternative, int] = field(default_factory=dict)
    definition_rules: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)

    def add(self, rule: Alternative) -> int:
        position = self.index.get(rule)
        if position is None:
            position = len(self.rules)
            self.rules.append(rule)
            self.index[rule] = position
            for literal in literals(rule[1]):
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
        self._cache: dict[tuple[Any, ...], frozenset[int]] = {}
        self._age_constants, self._age_partners = _age_thresholds(plan)
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
                patterns = _patterns(self.plan.rules[position])
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

    def fire(self, fact: Mapping[str, Any]) -> frozenset[int]:
        """The rules (by position) that hold for one query fact.

        Answers are cached by answer class: the fact with the user's age replaced by how it
        compares with every threshold the rules compare it with. Two ages in one band fire
        the same rules, so the cache is exact, not approximate.
        """
        key = self.answer_class(fact)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        fired = self._fire(fact)
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = fired
        return fired

    def answer_class(self, fact: Mapping[str, Any]) -> tuple[Any, ...]:
        age = fact.get(AGE)
        rest = tuple(sorted((k, v) for k, v in fact.items() if k != AGE))
        if age is None:
            return (rest, None)
        bands = [(age < t, age == t) for t in self._age_constants]
        for attribute in self._age_partners:
            other = fact.get(attribute)
            bands.append((None, None) if other is None else (age < other, age == other))
        return (rest, tuple(bands))

    def fire_uncached(self, fact: Mapping[str, Any]) -> frozenset[int]:
        """Run the rules on one fact, bypassing the answer-class cache."""
        return self._fire(fact)

    def _fire(self, fact: Mapping[str, Any]) -> frozenset[int]:
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
        return frozenset(fired)


def _age_thresholds(plan: RulePlan) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """The constants and attributes any rule compares the user's age with."""
    constants: set[float] = set()
    partners: set[str] = set()
    for _derived, expression in plan.rules:
        for literal in literals(expression):
            if literal[0] == "attr" and literal[1] == AGE:
                constants.add(literal[3])
            elif literal[0] == "pair" and AGE in (literal[1], literal[3]):
                partners.add(literal[3] if literal[1] == AGE else literal[1])
    return tuple(sorted(constants)), tuple(sorted(partners))


def _ignore(context: Any) -> None:
    """Catch-all: every fact matches some rule, so none is reported unhandled."""


def _derived_name(name: str, positive: bool) -> str:
    return name if positive else f"not:{name}"


def _patterns(rule: Alternative) -> list[Any] | None:
    derived_literals, expression = rule
    if expression == FALSE:
        return None
    query = lang.m.kind == "query"
    if expression != TRUE:
        query = query & _expression(expression)
    derived: list[Any] = []
    for _kind, name, positive in sorted(derived_literals, key=repr):
        alias = getattr(lang.c, f"d{len(derived)}")
        wanted = _derived_name(name, positive)
        derived.append(alias << ((lang.m.kind == "derived") & (lang.m.name == wanted)))
    return [lang.c.q << query, *derived]


def _expression(expression: Expr) -> Any:
    kind = expression[0]
    if kind in ("and", "or"):
        parts = [_expression(item) for item in expression[1]]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if kind == "and" else (combined | part)
        return combined
    literal = expression[1]
    if literal[0] == "attr":
        return _OPS[literal[2]](getattr(lang.m, literal[1]), literal[3])
    left, right = getattr(lang.m, literal[1]), getattr(lang.m, literal[3])
    # durable-rules matches a comparison whose right-hand attribute is missing, so both
    # sides must be present: an unknown value never makes a rule fire.
    return +left & +right & _OPS[literal[2]](left, right)
