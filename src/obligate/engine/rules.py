"""Inference with durable-rules: the only module that touches it.

Conditions are put in negation normal form, then split into alternatives only where they
join different derived facts (definitions); and/or over the query fact stay inside one
durable-rules pattern. Each distinct rule is shared by every duty and definition that has
it. Literals are monotonic (a negated fact is a positive test for ``False``; a negated
definition is its own derived fact ``not:NAME``), so a rule fires exactly when the known
facts make the condition true, and an unknown fact never makes a rule fire.

durable-rules traps handled here: facts (not events) so one query fact feeds every rule; a
catch-all rule (that never fires) so no fact goes unhandled; rulesets are process-wide by
name, so the name carries the rule base's content hash; a new session costs time in
proportion to the number of rules, so every query runs in one long-lived session, its facts
asserted and retracted; at most 4,096 rules per ruleset, and a query's fact is asserted only
into the rulesets of the jurisdictions whose law reaches it (partition.py), each made when a
query first needs it (its C engine keeps about 14 KB a rule); a fact
that passes more than 64 sibling tests at one point of the network overflows the matcher's
stack (error 303), so the tests that usually fail come first; its C engine is not documented
as thread-safe, so calls are serialised. The rules are durable-rules' own JSON, and each
query's agenda is run straight from its C engine (see Engine._agenda).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine

from obligate.engine.forms import (
    AGE,
    FALSE,
    TRUE,
    Alternative,
    Expr,
    Literal,
    derived_name,
)
from obligate.engine.partition import partitions
from obligate.engine.patterns import patterns
from obligate.language import model as m
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library

MAX_DISJUNCTS = 256
RULES_PER_RULESET = 4000
CACHE_SIZE = 100_000
SAFE_GROUPS = 8  # a rule with fewer and/or groups is never refused (Engine._refuse_early)
# The one durable-rules session every query runs in (see Engine._fire).
SESSION = "query"

_OPS = m.COMPARE
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class TooComplex(Exception):
    def __init__(self, node: m.Node, message: str | None = None) -> None:
        super().__init__(message or f"condition expands to more than {MAX_DISJUNCTS} alternatives")
        self.node = node


class RulesRefused(Exception):
    """durable-rules refused some rules (error 113: more tests than one of its rules holds).
    ``positions`` are the plan's rules it refuses on their own."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(f"the engine refuses {len(positions)} rules: too many tests in one rule")
        self.positions = positions


@functools.lru_cache(maxsize=1 << 16)
def safe(name: str) -> str:
    """A name as a durable-rules attribute (letters, digits and underscores)."""
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
    unique = sorted(set(items), key=_canonical)
    return TRUE if not unique else unique[0] if len(unique) == 1 else ("and", tuple(unique))


@functools.lru_cache(maxsize=1 << 16)
def _canonical(item: Any) -> str:
    """The order of the parts of a normal form: their text (parts mix strings, numbers and
    booleans, which do not compare); remembered, as the same parts recur across rules."""
    return repr(item)


def disjoin(parts: Iterable[Expr]) -> Expr:
    items: list[Expr] = []
    for part in parts:
        if part == TRUE:
            return TRUE
        if part == FALSE:
            continue
        items.extend(part[1] if part[0] == "or" else (part,))
    unique = sorted(set(items), key=_canonical)
    return FALSE if not unique else unique[0] if len(unique) == 1 else ("or", tuple(unique))


class Normaliser:
    """Conditions to a few rules each: negations pushed to monotonic literals, then
    alternatives split only where they join different derived facts (definitions); every
    other and/or stays inside one durable-rules pattern."""

    def __init__(self, library: Library) -> None:
        self.library = library

    # Dispatch is on each node's ``kind``: isinstance on model classes is slow enough to
    # show in the build of a large library.
    def alternatives(self, node: m.Condition | None, positive: bool = True) -> list[Alternative]:
        if node is None:
            return [(frozenset(), TRUE if positive else FALSE)]
        if node.kind == "not":
            return self.alternatives(node.item, not positive)
        if node.kind == "all" or node.kind == "any":
            conjunctive = (node.kind == "all") == positive
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
        if node.kind == "is" and node.name in self.library.definitions:
            return [(frozenset({("derived", node.name, positive)}), TRUE)]
        if node.kind == "is":
            return [(none, ("lit", ("attr", f"t_{safe(node.name)}", "==", positive)))]
        if node.kind == "has":
            return [(none, ("lit", ("attr", f"f_{safe(node.name)}", "==", positive)))]
        if node.kind == "truth":
            return [(none, ("lit", ("attr", fact_attribute(node.fact), "==", positive)))]
        if node.kind == "member":
            flags = [
                ("lit", ("attr", a, "==", positive)) for a in member_attributes(self.library, node)
            ]
            return [(none, disjoin(flags) if positive else conjoin(flags))]
        assert node.kind == "compare"
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
    if len(by_derived) == 1:  # the usual case: no order to find (repr is costly)
        ((derived, expressions),) = by_derived.items()
        return [(derived, disjoin(expressions))]
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
    if operand.kind == "number":
        return "value", operand.value
    if operand.kind == "param":
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
    # Attributes some rule reads other than by asking whether they are true: a fact must
    # carry these even when false (the others can leave a false value out).
    false_tested: set[str] = field(default_factory=set)

    # The constants and attributes some rule compares the user's age with.
    age_constants: set[float] = field(default_factory=set)
    age_partners: set[str] = field(default_factory=set)
    # Rules that may hold too many and/or groups for durable-rules (Engine._refuse_early).
    many_groups: set[int] = field(default_factory=set)

    def add(self, rule: Alternative) -> int:
        position = self.index.get(rule)
        if position is None:
            position = len(self.rules)
            self.rules.append(rule)
            self.index[rule] = position
            if self._note(rule[1]) >= SAFE_GROUPS:
                self.many_groups.add(position)
        return position

    def _note(self, expression: Expr) -> int:
        """Note what the expression's literals read, in one walk; return at least as many as
        the and/or groups its pattern holds (patterns.py writes an or, an and inside an or,
        and a comparison of two attributes as groups)."""
        kind = expression[0]
        if kind == "and" or kind == "or":
            return 1 + sum(self._note(item) for item in expression[1])
        if kind != "lit":
            return 0
        literal = expression[1]
        if literal[0] == "attr":
            self.attributes.add(literal[1])
            if literal[2:] != ("==", True):
                self.false_tested.add(literal[1])
            if literal[1] == AGE:
                self.age_constants.add(literal[3])
        elif literal[0] == "pair":
            self.attributes.update((literal[1], literal[3]))
            self.false_tested.update((literal[1], literal[3]))
            if AGE in (literal[1], literal[3]):
                self.age_partners.add(literal[3] if literal[1] == AGE else literal[1])
            return 1
        return 0


class Engine:
    """A compiled set of durable-rules rulesets for one rule base."""

    _lock = threading.Lock()
    _registered: dict[str, Engine] = {}

    def __init__(self, name: str, plan: RulePlan, duty_rules: Iterable[int]) -> None:
        self.name = name
        self.plan = plan
        self._fired: set[int] = set()
        self._derived: dict[str, str] = {}  # derived fact name -> the fact as asserted
        self._cache: dict[tuple[Any, ...], frozenset[int]] = {}
        self._age_constants = tuple(sorted(plan.age_constants))
        self._age_partners = tuple(sorted(plan.age_partners))
        room = max(1, RULES_PER_RULESET - len(plan.definition_rules))
        self.partitions = partitions(name, plan, duty_rules, room)
        self.rulesets = [p.name for p in self.partitions]
        # handle, rule name -> position, for each partition: made when a query first runs it
        self._compiled: list[tuple[int, dict[str, int]] | None] = [None] * len(self.partitions)
        self._refuse_early()
        self._always = [i for i, p in enumerate(self.partitions) if not p.triggers]
        self._by_trigger: dict[str, list[int]] = {}
        for index, partition in enumerate(self.partitions):
            for trigger in partition.triggers:
                self._by_trigger.setdefault(trigger, []).append(index)

    @classmethod
    def shared(cls, name: str, plan: RulePlan, duty_rules: Iterable[int]) -> Engine:
        """One engine per rule-base version per process: durable-rules names are global."""
        with cls._lock:
            engine = cls._registered.get(name)
            if engine is None:
                engine = cls(name, plan, duty_rules)
                cls._registered[name] = engine
            return engine

    def _refuse_early(self) -> None:
        """Refuse at build the rules durable-rules would refuse when a query first runs
        their ruleset (made on first use: it keeps 14 KB a rule, 140 MB at 10,000 duties).
        It refuses a rule (error 113) only past 15 and/or groups in one pattern: the rules
        with ``SAFE_GROUPS`` or more are probed alone, as on the error path."""
        used = {position for partition in self.partitions for position in partition.positions}
        risky = {
            f"r_{position}": position
            for position in sorted(self.plan.many_groups & used)
            if patterns(self.plan.rules[position]) is not None
        }
        refused = _refused(f"{self.name}-early", self.plan, risky)
        if refused:
            raise RulesRefused(sorted(refused))

    def _handle(self, index: int) -> tuple[int, dict[str, int]]:
        """Partition ``index``'s ruleset, made now if no query has run it yet."""
        compiled = self._compiled[index]
        if compiled is None:
            partition = self.partitions[index]
            compiled = self._compiled[index] = self._declare(partition.name, partition.positions)
        return compiled

    def _declare(self, ruleset_name: str, positions: list[int]) -> tuple[int, dict[str, int]]:
        """Create one ruleset in durable-rules' C engine. Rules are written in its own JSON
        form (what its Python DSL produces) rather than through the DSL, which costs more
        than the rest of building a large library. The ruleset is not registered with
        durable-rules' Python host: this engine runs every action of a query itself (see
        _agenda), while the query holds the lock, so it needs none of the host's machinery,
        and the host costs twice: it keeps each ruleset's rules (their JSON and an action
        object per rule, a tenth of the memory of 10,000 duties), and once started it polls
        every ruleset from a new timer thread each, every 0.2 s, for as long as the process
        lives (threads that take the interpreter lock from the queries, their slowest
        answers)."""
        rules: dict[str, Any] = {}
        names: dict[str, int] = {}
        for position in positions:
            found = patterns(self.plan.rules[position])
            if found is not None:
                name = f"r_{len(rules)}"
                rules[name] = {"all": found}
                names[name] = position
        # Catch-all: every fact reaches some rule, so none is reported unhandled. It joins
        # with a fact that never exists, so it never fires.
        rules[f"r_{len(rules)}"] = {
            "all": [{"any": {"$ex": {"kind": 1}}}, {"none": {"$ex": {"never": 1}}}]
        }
        try:
            handle = durable_rules_engine.create_ruleset(ruleset_name, json.dumps(rules))
        except durable_rules_engine.error as error:
            refused = _refused(ruleset_name, self.plan, names)
            if not refused:
                raise
            raise RulesRefused(refused) from error
        return handle, names

    def _on_fire(self, handle: int, position: int) -> None:
        """A rule fired: note it, and derive the definitions it concludes."""
        self._fired.add(position)
        for name, positive in self.plan.definition_rules.get(position, ()):
            derived = derived_name(name, positive)
            # durable-rules rejects a fact asserted twice in one session: assert each
            # once, and keep it to retract when the query is done.
            if derived not in self._derived:
                fact = json.dumps({"kind": "derived", "name": derived, "sid": SESSION})
                self._derived[derived] = fact
                _state(durable_rules_engine.assert_fact(handle, fact))

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
        """The fact with the user's age replaced by where it falls among the ages the rules
        name (and how it compares with the attributes they compare it with)."""
        age = fact.get(AGE)
        if age is None:
            return (frozenset(fact.items()), None)
        rest = frozenset(item for item in fact.items() if item[0] != AGE)
        constants = self._age_constants
        below = bisect_left(constants, age)
        partners = tuple(
            None if (other := fact.get(attribute)) is None else (age < other, age == other)
            for attribute in self._age_partners
        )
        return (rest, below, below < len(constants) and constants[below] == age, partners)

    def fire_uncached(self, fact: Mapping[str, Any]) -> frozenset[int]:
        """Run the rules on one fact, bypassing the answer-class cache."""
        return self._fire(fact)

    def forget(self) -> None:
        """Empty the answer-class cache (benchmarks measure unseen classes with it)."""
        with self._lock:
            self._cache.clear()

    def _chosen(self, fact: Mapping[str, Any]) -> list[int]:
        """The partitions a fact runs: those of the hooks it carries, and those of none."""
        chosen = set(self._always)
        by_trigger = self._by_trigger
        for attribute, value in fact.items():
            if value is True and attribute in by_trigger:
                chosen.update(by_trigger[attribute])
        return sorted(chosen)

    def _fire(self, fact: Mapping[str, Any]) -> frozenset[int]:
        """Assert the query fact into the rulesets of its hooks, in one long-lived session
        each; collect the rules that fire, then retract every fact again. A session per
        query would be simpler, but creating one costs time in proportion to the number of
        rules (1.2 ms at 3,000 rules, against about 15 µs for an assert and a retract).
        The whole fact goes to each: a ruleset ignores attributes its rules do not read,
        and writing the fact once costs less than cutting it down for each."""
        with self._lock:
            self._fired = set()
            query = json.dumps({**fact, "sid": SESSION, "kind": "query"})
            for index in self._chosen(fact):
                self._run(index, query)
            return frozenset(self._fired)

    def _run(self, index: int, query: str) -> None:
        """Assert one fact into one ruleset and retract it (with what it derived)."""
        handle, names = self._handle(index)
        # Each ruleset holds its own facts: derive the definitions again in each.
        self._derived = {}
        try:
            self._agenda(handle, names, durable_rules_engine.assert_fact(handle, query))
            self._agenda(handle, names, durable_rules_engine.retract_fact(handle, query))
            for derived in list(self._derived.values()):
                retracted = durable_rules_engine.retract_fact(handle, derived)
                self._agenda(handle, names, retracted)
        except BaseException:
            # Never leave a half-asserted query behind for the next one.
            durable_rules_engine.delete_state(handle, SESSION)
            raise
        finally:
            self._derived = {}

    def _agenda(self, handle: int, names: dict[str, int], result: tuple[int, int]) -> None:
        """Run the actions an assert or a retract left on the session's agenda, one by one
        as durable-rules hands them out. (Its Python host does the same with a closure, two
        clock readings and two JSON round trips per action, which cost several times what
        the match itself costs; the actions here only note which rule fired.)"""
        state = _state(result)
        started = durable_rules_engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            # an action's message is {"<rule name>":{...the facts it matched...}}
            self._on_fire(handle, names[message[2 : message.index('"', 2)]])
            message = durable_rules_engine.complete_and_start_action(handle, state)


def _state(result: tuple[int, int]) -> int:
    """The session handle an assert or retract returns (durable.engine.Ruleset's reading)."""
    code, state = result
    if code == 1:
        raise RuntimeError("durable-rules: a fact matched no rule")
    if code == 2:
        raise RuntimeError("durable-rules: a fact was asserted twice")
    return 0 if code == 3 else state


def _refused(ruleset_name: str, plan: RulePlan, names: dict[str, int]) -> list[int]:
    """The rules durable-rules refuses on their own, found by creating a ruleset of each
    alone (only when a whole ruleset was refused, so the cost is paid on the error path
    only)."""
    refused: list[int] = []
    for name, position in names.items():
        probe = json.dumps({name: {"all": patterns(plan.rules[position])}})
        try:
            handle = durable_rules_engine.create_ruleset(f"{ruleset_name}-probe-{name}", probe)
        except durable_rules_engine.error:
            refused.append(position)
        else:
            durable_rules_engine.delete_ruleset(handle)
    return refused
