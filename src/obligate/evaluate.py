"""Three-valued evaluation of conditions, recording why each holds or fails.

Unknown is not false: a condition that reads a fact the query left out is ``None`` (unknown)
unless the known facts decide it anyway (``False and ?`` is false, ``True or ?`` is true).
Every evaluation records the leaves that decided it, with the values they read, so an answer
carries its ``because`` and a "why not" names the condition that failed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from obligate import model as m
from obligate.jurisdictions import ParameterSetting
from obligate.resolve import Library

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Outcome:
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


class Evaluator:
    def __init__(self, library: Library) -> None:
        self.library = library

    def evaluate(self, node: m.Condition | None, facts: Facts) -> Outcome:
        if node is None:
            return TRUE
        handler = getattr(self, f"_{node.kind}")
        result: Outcome = handler(node, facts)
        return result

    # ------------------------------------------------------------ logic

    def _all(self, node: m.AllOf, facts: Facts) -> Outcome:
        outcomes = [self.evaluate(item, facts) for item in node.items]
        failed = [o for o in outcomes if o.value is False]
        if failed:
            return Outcome(False, failed=tuple(r for o in failed for r in o.failed))
        unknown = [o for o in outcomes if o.value is None]
        if unknown:
            return Outcome(None, unknown=frozenset().union(*(o.unknown for o in unknown)))
        return Outcome(True, held=tuple(r for o in outcomes for r in o.held))

    def _any(self, node: m.AnyOf, facts: Facts) -> Outcome:
        outcomes = [self.evaluate(item, facts) for item in node.items]
        held = [o for o in outcomes if o.value is True]
        if held:
            return Outcome(True, held=tuple(r for o in held for r in o.held))
        unknown = [o for o in outcomes if o.value is None]
        if unknown:
            return Outcome(None, unknown=frozenset().union(*(o.unknown for o in unknown)))
        return Outcome(False, failed=tuple(r for o in outcomes for r in o.failed))

    def _not(self, node: m.Not, facts: Facts) -> Outcome:
        inner = self.evaluate(node.item, facts)
        if inner.value is None:
            return inner
        text = f"not ({render(node.item)})"
        if inner.value:
            return Outcome(False, failed=(f"{text}: " + "; ".join(inner.held),))
        return Outcome(True, held=(f"{text}: " + "; ".join(inner.failed),))

    # ------------------------------------------------------------ leaves

    @staticmethod
    def _leaf(value: bool | None, text: str, unknown: str | None = None) -> Outcome:
        if value is None:
            return Outcome(None, unknown=frozenset({unknown or text}))
        return Outcome(True, held=(text,)) if value else Outcome(False, failed=(text,))

    def _is(self, node: m.IsA, facts: Facts) -> Outcome:
        if node.name in self.library.definitions:
            return self._definition(node.name, facts)
        types = facts.service.get("types")
        if types is None:
            return self._leaf(None, "", "service.types")
        held = node.name in types
        return self._leaf(
            held,
            f"service is {node.name}"
            if held
            else f"service is not {node.name} (types: {', '.join(types) or 'none'})",
        )

    def _definition(self, name: str, facts: Facts) -> Outcome:
        known = facts.definitions.get(name)
        if known is not None:
            return known
        definition = self.library.definitions[name]
        inner = self.evaluate(definition.when, facts)
        cited = (
            f" [{definition.cites.instrument} {definition.cites.provision}]"
            if definition.cites
            else ""
        )
        if inner.value is True:
            outcome = Outcome(True, held=(*inner.held, f"so service is {name}{cited}"))
        elif inner.value is False:
            outcome = Outcome(
                False, failed=(f"service is not {name}{cited}: " + "; ".join(inner.failed),)
            )
        else:
            outcome = inner
        facts.definitions[name] = outcome
        return outcome

    def _has(self, node: m.HasFeature, facts: Facts) -> Outcome:
        features = facts.service.get("features")
        if features is None:
            return self._leaf(None, "", "service.features")
        held = node.name in features
        return self._leaf(
            held, f"service has {node.name}" if held else f"service does not have {node.name}"
        )

    def _truth(self, node: m.Truth, facts: Facts) -> Outcome:
        value = self._read(node.fact, facts)
        if value is None:
            return self._leaf(None, "", node.fact.path)
        return self._leaf(bool(value), f"{node.fact.path} = {str(bool(value)).lower()}")

    def _member(self, node: m.Member, facts: Facts) -> Outcome:
        value = self._read(node.fact, facts)
        if value is None:
            return self._leaf(None, "", node.fact.path)
        wanted = ", ".join(node.names)
        if node.fact.name == "established_in" or _is_jurisdiction_fact(self.library, node.fact):
            reach = facts.established_reach if node.fact.name == "established_in" else {value}
            hits = [n for n in node.names if reach and n in reach]
        else:
            hits = [n for n in node.names if n in value]
        shown = value if isinstance(value, str) else ", ".join(value) or "none"
        if hits:
            return self._leaf(True, f"{node.fact.path} ({shown}) is within {{{wanted}}}")
        return self._leaf(False, f"{node.fact.path} ({shown}) is not within {{{wanted}}}")

    def _compare(self, node: m.Compare, facts: Facts) -> Outcome:
        left, left_text, left_missing = self._operand(node.left, facts)
        right, right_text, right_missing = self._operand(node.right, facts)
        missing = left_missing or right_missing
        if missing is not None:
            return self._leaf(None, "", missing)
        held = _OPS[node.op](left, right)
        op = node.op if held else _NEGATED[node.op]
        return self._leaf(held, f"{left_text} {op} {right_text}")

    def _operand(
        self, operand: m.FactRef | m.NumberLit | m.ParamRef, facts: Facts
    ) -> tuple[Any, str, str | None]:
        if isinstance(operand, m.NumberLit):
            return operand.value, operand.text, None
        if isinstance(operand, m.ParamRef):
            setting = facts.parameters.get(operand.name)
            if setting is None:
                return None, operand.name, f"parameter {operand.name}"
            shown = _number(setting.value)
            return setting.value, f"{operand.name} {shown} (from {setting.origin})", None
        value = self._read(operand, facts)
        if value is None:
            return None, operand.path, operand.path
        shown = _number(value) if isinstance(value, (int, float)) else str(value)
        return value, f"{operand.path} {shown}", None

    @staticmethod
    def _read(ref: m.FactRef, facts: Facts) -> Any:
        source = facts.service if ref.subject == "service" else facts.user
        value = source.get(ref.name)
        if ref.key is not None:
            # A per-jurisdiction count the query gives for some places: where it gives
            # none for this one, the count there is unknown, not zero.
            return value.get(ref.key) if isinstance(value, Mapping) else None
        return value


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def _is_jurisdiction_fact(library: Library, ref: m.FactRef) -> bool:
    entry = library.fact(ref)
    return entry is not None and entry.fact_type is m.FactType.JURISDICTION


def _number(value: float) -> str:
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
