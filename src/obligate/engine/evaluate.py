"""Three-valued evaluation of conditions, recording why each holds or fails.

Unknown is not false: a condition that reads a fact the query left out is ``None`` (unknown)
unless the known facts decide it anyway (``False and ?`` is false, ``True or ?`` is true).
Every evaluation records the leaves that decided it, with the values they read, so an answer
carries its ``because`` and a "why not" names the condition that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from obligate.graph.jurisdictions import ParameterSetting
from obligate.language import model as m
from obligate.language.resolve import Library

_OPS = m.COMPARE


class Outcome(NamedTuple):
    value: bool | None
    held: tuple[str, ...] = ()  # leaves that made it true (when true)
    failed: tuple[str, ...] = ()  # leaves that made it false (when false)
    unknown: frozenset[str] = frozenset()  # facts whose absence left it undecided


TRUE = Outcome(True)
NEVER = Outcome(False)


@dataclass
class Facts:
    """What a query says, in the shape conditions read it."""

    service: Mapping[str, Any]
    user: Mapping[str, Any]
    parameters: Mapping[str, ParameterSetting]
    established_reach: frozenset[str] | None
    definitions: dict[str, Outcome] = field(default_factory=dict)
    # How to show a fact's value in reasons, by path, instead of the value itself: an
    # answer class is explained once with a mark where the user's age goes, and every
    # query of the class fills in its own age (determine.py).
    shown: Mapping[str, str] = field(default_factory=dict)


Check = Callable[[Facts], Outcome]
# An operand read from the facts: its value, its text, and the fact that is missing.
Read = Callable[[Facts], tuple[Any, str, str | None]]


def _unknown(name: str) -> Outcome:
    return Outcome(None, unknown=frozenset({name}))


class Evaluator:
    """Evaluates conditions. Each condition is compiled once, on first use, into a closure
    with its texts prepared: an answer explains several conditions, and walking the model
    each time cost more than the rest of a fresh answer."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._checks: dict[int, Check] = {}
        self._nodes: list[m.Condition] = []  # keeps compiled nodes alive, so ids stay theirs

    def evaluate(self, node: m.Condition | None, facts: Facts) -> Outcome:
        if node is None:
            return TRUE
        check = self._checks.get(id(node))
        if check is None:
            check = self._compile(node)
            self._checks[id(node)] = check
            self._nodes.append(node)
        return check(facts)

    def _compile(self, node: m.Condition) -> Check:
        if isinstance(node, m.AllOf):
            return _all([self._compile(item) for item in node.items])
        if isinstance(node, m.AnyOf):
            return _any([self._compile(item) for item in node.items])
        if isinstance(node, m.Not):
            return _not(self._compile(node.item), f"not ({render(node.item)})")
        if isinstance(node, m.IsA):
            if node.name in self.library.definitions:
                return self._definition(node.name)
            return _is(node.name)
        if isinstance(node, m.HasFeature):
            return _has(node.name)
        if isinstance(node, m.Truth):
            return _truth(node.fact)
        if isinstance(node, m.Member):
            return _member(node, _is_jurisdiction_fact(self.library, node.fact))
        assert isinstance(node, m.Compare)
        return _compare(node)

    def _definition(self, name: str) -> Check:
        definition = self.library.definitions[name]
        cited = (
            f" [{definition.cites.instrument} {definition.cites.provision}]"
            if definition.cites
            else ""
        )
        so = f"so service is {name}{cited}"
        not_so = f"service is not {name}{cited}: "

        def check(facts: Facts) -> Outcome:
            known = facts.definitions.get(name)
            if known is not None:
                return known
            inner = self.evaluate(definition.when, facts)
            if inner.value is True:
                outcome = Outcome(True, held=(*inner.held, so))
            elif inner.value is False:
                outcome = Outcome(False, failed=(not_so + "; ".join(inner.failed),))
            else:
                outcome = inner
            facts.definitions[name] = outcome
            return outcome

        return check


# ---------------------------------------------------------------- logic


def _all(checks: list[Check]) -> Check:
    def check(facts: Facts) -> Outcome:
        outcomes = [c(facts) for c in checks]
        failed = [o for o in outcomes if o.value is False]
        if failed:
            return Outcome(False, failed=tuple(r for o in failed for r in o.failed))
        unknown = [o for o in outcomes if o.value is None]
        if unknown:
            return Outcome(None, unknown=frozenset().union(*(o.unknown for o in unknown)))
        return Outcome(True, held=tuple(r for o in outcomes for r in o.held))

    return check


def _any(checks: list[Check]) -> Check:
    def check(facts: Facts) -> Outcome:
        outcomes = [c(facts) for c in checks]
        held = [o for o in outcomes if o.value is True]
        if held:
            return Outcome(True, held=tuple(r for o in held for r in o.held))
        unknown = [o for o in outcomes if o.value is None]
        if unknown:
            return Outcome(None, unknown=frozenset().union(*(o.unknown for o in unknown)))
        return Outcome(False, failed=tuple(r for o in outcomes for r in o.failed))

    return check


def _not(inner_check: Check, text: str) -> Check:
    def check(facts: Facts) -> Outcome:
        inner = inner_check(facts)
        if inner.value is None:
            return inner
        if inner.value:
            return Outcome(False, failed=(f"{text}: " + "; ".join(inner.held),))
        return Outcome(True, held=(f"{text}: " + "; ".join(inner.failed),))

    return check


# ---------------------------------------------------------------- leaves


def _is(name: str) -> Check:
    held = Outcome(True, held=(f"service is {name}",))
    unknown = _unknown("service.types")

    def check(facts: Facts) -> Outcome:
        types = facts.service.get("types")
        if types is None:
            return unknown
        if name in types:
            return held
        return Outcome(
            False, failed=(f"service is not {name} (types: {', '.join(types) or 'none'})",)
        )

    return check


def _has(name: str) -> Check:
    held = Outcome(True, held=(f"service has {name}",))
    failed = Outcome(False, failed=(f"service does not have {name}",))
    unknown = _unknown("service.features")

    def check(facts: Facts) -> Outcome:
        features = facts.service.get("features")
        if features is None:
            return unknown
        return held if name in features else failed

    return check


def _truth(ref: m.FactRef) -> Check:
    read = _reader(ref)
    path = ref.path
    outcomes = {
        True: Outcome(True, held=(f"{path} = true",)),
        False: Outcome(False, failed=(f"{path} = false",)),
    }
    unknown = _unknown(path)

    def check(facts: Facts) -> Outcome:
        value = read(facts)
        return unknown if value is None else outcomes[bool(value)]

    return check


def _member(node: m.Member, jurisdiction_fact: bool) -> Check:
    read = _reader(node.fact)
    path = node.fact.path
    names = node.names
    wanted = ", ".join(names)
    established = node.fact.name == "established_in" or jurisdiction_fact
    unknown = _unknown(path)

    def check(facts: Facts) -> Outcome:
        value = read(facts)
        if value is None:
            return unknown
        if established:
            reach = facts.established_reach if node.fact.name == "established_in" else {value}
            hits = [n for n in names if reach and n in reach]
        else:
            hits = [n for n in names if n in value]
        shown = value if isinstance(value, str) else ", ".join(value) or "none"
        if hits:
            return Outcome(True, held=(f"{path} ({shown}) is within {{{wanted}}}",))
        return Outcome(False, failed=(f"{path} ({shown}) is not within {{{wanted}}}",))

    return check


def _compare(node: m.Compare) -> Check:
    left, right = _operand(node.left), _operand(node.right)
    op = _OPS[node.op]
    held_op, failed_op = node.op, _NEGATED[node.op]

    def check(facts: Facts) -> Outcome:
        left_value, left_text, left_missing = left(facts)
        right_value, right_text, right_missing = right(facts)
        missing = left_missing or right_missing
        if missing is not None:
            return _unknown(missing)
        if op(left_value, right_value):
            return Outcome(True, held=(f"{left_text} {held_op} {right_text}",))
        return Outcome(False, failed=(f"{left_text} {failed_op} {right_text}",))

    return check


def _operand(operand: m.FactRef | m.NumberLit | m.ParamRef) -> Read:
    if isinstance(operand, m.NumberLit):
        constant = (operand.value, operand.text, None)
        return lambda facts: constant
    if isinstance(operand, m.ParamRef):
        name = operand.name
        missing = (None, name, f"parameter {name}")

        def parameter(facts: Facts) -> tuple[Any, str, str | None]:
            setting = facts.parameters.get(name)
            if setting is None:
                return missing
            shown = number_text(setting.value)
            return setting.value, f"{name} {shown} (from {setting.origin})", None

        return parameter
    read = _reader(operand)
    path = operand.path
    absent = (None, path, path)

    def fact(facts: Facts) -> tuple[Any, str, str | None]:
        value = read(facts)
        if value is None:
            return absent
        shown = facts.shown.get(path) if facts.shown else None
        if shown is None:
            shown = number_text(value) if isinstance(value, (int, float)) else str(value)
        return value, f"{path} {shown}", None

    return fact


def _reader(ref: m.FactRef) -> Callable[[Facts], Any]:
    name, key = ref.name, ref.key
    service = ref.subject == "service"

    def read(facts: Facts) -> Any:
        value = (facts.service if service else facts.user).get(name)
        if key is not None:
            # A per-jurisdiction count the query gives for some places: where it gives
            # none for this one, the count there is unknown, not zero.
            return value.get(key) if isinstance(value, Mapping) else None
        return value

    return read


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def _is_jurisdiction_fact(library: Library, ref: m.FactRef) -> bool:
    entry = library.fact(ref)
    return entry is not None and entry.fact_type is m.FactType.JURISDICTION


def number_text(value: float) -> str:
    """A number as reasons show it: whole numbers with thousands separators."""
    return f"{int(value):,}" if float(value) == int(value) else f"{value:g}"


def render(node: m.Condition) -> str:
    """A condition as the rule file would say it (canonical spacing)."""
    if isinstance(node, m.AllOf):
        return " and ".join(_grouped(item, m.AnyOf) for item in node.items)
    if isinstance(node, m.AnyOf):
        return " or ".join(render(item) for item in node.items)
    if isinstance(node, m.Not):
        return f"not {_grouped(node.item, (m.AllOf, m.AnyOf))}"
    if isinstance(node, m.IsA):
        return f"service is {node.name}"
    if isinstance(node, m.HasFeature):
        return f"service has {node.name}"
    if isinstance(node, m.Truth):
        return node.fact.path
    if isinstance(node, m.Member):
        return f"{node.fact.path} in {{{', '.join(node.names)}}}"
    return f"{_operand_text(node.left)} {node.op} {_operand_text(node.right)}"


def _grouped(node: m.Condition, kinds: type | tuple[type, ...]) -> str:
    text = render(node)
    return f"({text})" if isinstance(node, kinds) else text


def _operand_text(operand: m.FactRef | m.NumberLit | m.ParamRef) -> str:
    if isinstance(operand, m.FactRef):
        return operand.path
    if isinstance(operand, m.NumberLit):
        return operand.text.replace(",", "_")
    return operand.name
