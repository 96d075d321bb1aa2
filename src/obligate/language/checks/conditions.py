"""Conditions that cannot work: a conjunction no value satisfies, and a condition whose
or-ed definitions would need more engine rules than the engine allows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics
from obligate.language.resolve import Library


def all_conditions(library: Library) -> list[m.Condition]:
    """Every `when:` and `unless:` of the definitions and duties."""
    found: list[m.Condition] = [d.when for d in library.definitions.values() if d.when]
    for duty in library.duties.values():
        found.extend(c for c in (duty.when, duty.unless) if c is not None)
    return found


# ---------------------------------------------------------------- conditions that never hold


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _bounds(conjuncts: Iterable[m.Condition]) -> Mapping[str, tuple[float, float, bool, bool]]:
    """Per numeric fact, the interval the conjunction allows: (low, high, low_open, high_open)."""
    limits: dict[str, tuple[float, float, bool, bool]] = {}
    for leaf in conjuncts:
        if not isinstance(leaf, m.Compare):
            continue
        fact, number = leaf.left, leaf.right
        op: str = leaf.op
        if isinstance(fact, m.NumberLit) and isinstance(number, m.FactRef):
            fact, number, op = number, fact, _FLIP[op]
        if not isinstance(fact, m.FactRef) or not isinstance(number, m.NumberLit):
            continue
        low, high, low_open, high_open = limits.get(
            fact.path, (float("-inf"), float("inf"), False, False)
        )
        value = number.value
        if op in ("<", "<=") and (value < high or (value == high and op == "<")):
            high, high_open = value, op == "<"
        elif op in (">", ">=") and (value > low or (value == low and op == ">")):
            low, low_open = value, op == ">"
        elif op == "==":
            low, high, low_open, high_open = max(low, value), min(high, value), False, False
        limits[fact.path] = (low, high, low_open, high_open)
    return limits


def _empty(interval: tuple[float, float, bool, bool]) -> bool:
    low, high, low_open, high_open = interval
    return low > high or (low == high and (low_open or high_open))


def never_holds(library: Library, diagnostics: Diagnostics) -> None:
    for condition in all_conditions(library):
        for node in _all_of_nodes(condition):
            for path, interval in _bounds(node.items).items():
                if _empty(interval):
                    diagnostics.warning(
                        "W501",
                        f"this condition can never hold: no value of "
                        f"`{path}` satisfies every comparison",
                        node.span,
                        "check the comparison operators and numbers",
                    )
                    break


def _all_of_nodes(node: m.Condition) -> list[m.AllOf]:
    found: list[m.AllOf] = [node] if isinstance(node, m.AllOf) else []
    if isinstance(node, (m.AllOf, m.AnyOf)):
        for item in node.items:
            found.extend(_all_of_nodes(item))
    elif isinstance(node, m.Not):
        found.extend(_all_of_nodes(node.item))
    return found


# ---------------------------------------------------------------- size of the rules


MAX_ALTERNATIVES = 256  # the engine's limit on rules for one condition (engine.MAX_DISJUNCTS)


def _alternatives(library: Library, node: m.Condition, positive: bool = True) -> int:
    """How many separate rules a condition needs: the engine keeps and/or over the query's
    facts inside one rule and splits only where alternatives join different definitions.
    0 means the condition reads no definition (it fits in any one rule)."""
    if isinstance(node, m.Not):
        return _alternatives(library, node.item, not positive)
    if isinstance(node, (m.AllOf, m.AnyOf)):
        counts = [_alternatives(library, item, positive) for item in node.items]
        if isinstance(node, m.AllOf) == positive:  # a conjunction: alternatives multiply
            product = 1
            for count in counts:
                product *= max(count, 1)
            return product if any(counts) else 0
        # a disjunction: alternatives add; the parts without definitions share one rule
        return sum(counts) + (1 if 0 in counts and any(counts) else 0)
    return 1 if isinstance(node, m.IsA) and node.name in library.definitions else 0


def _rule_conditions(library: Library) -> list[m.Condition]:
    """Each condition as the engine builds a rule of it: a duty's `when:` and not `unless:`."""
    conditions: list[m.Condition] = [d.when for d in library.definitions.values() if d.when]
    for duty in library.duties.values():
        parts: list[m.Condition] = [c for c in (duty.when,) if c is not None]
        if duty.unless is not None:
            parts.append(m.Not(span=duty.unless.span, item=duty.unless))
        if parts:
            conditions.append(
                parts[0] if len(parts) == 1 else m.AllOf(span=parts[0].span, items=tuple(parts))
            )
    return conditions


def too_many_alternatives(library: Library, diagnostics: Diagnostics) -> None:
    conditions = _rule_conditions(library)
    for condition in conditions:
        count = _alternatives(library, condition)
        if count > MAX_ALTERNATIVES:
            diagnostics.error(
                "E416",
                f"this condition needs {count:,} separate rules (the limit is "
                f"{MAX_ALTERNATIVES}): its or-ed parts join different definitions",
                condition.span,
                "combine the alternatives into a definition of their own",
            )


# ---------------------------------------------------------------- intricacy of one rule


MAX_RULE_EXPRESSIONS = 32
"""durable-rules keeps one rule's and/or groups in a sequence of fewer than 32 entries
(MAX_SEQUENCE_EXPRESSIONS; beyond, it refuses the rule set: error 113). Each group costs
two entries (its start and its end; the rule's own test group included) and each
comparison of two facts (or a fact and a parameter) one."""


def _cost(node: m.Condition, positive: bool, parent: str) -> int:
    """Entries of the rule's normal form (negations pushed inward, so `not` turns and into or;
    a group inside a group of its own kind merges with it). An upper bound: the engine's
    normaliser can only merge or drop more."""
    if isinstance(node, m.Not):
        return _cost(node.item, not positive, parent)
    if isinstance(node, m.AllOf | m.AnyOf):
        kind = "and" if isinstance(node, m.AllOf) == positive else "or"
        own = 0 if kind == parent else 2
        return own + sum(_cost(item, positive, kind) for item in node.items)
    if isinstance(node, m.Member) and len(node.names) > 1:
        return 0 if parent == ("or" if positive else "and") else 2
    if isinstance(node, m.Compare) and not (
        isinstance(node.left, m.NumberLit) or isinstance(node.right, m.NumberLit)
    ):
        return 1
    return 0


def too_intricate(library: Library, diagnostics: Diagnostics) -> None:
    for condition in _rule_conditions(library):
        cost = 2 + _cost(condition, True, "and")  # the rule's own group of tests
        if cost >= MAX_RULE_EXPRESSIONS:
            diagnostics.error(
                "E417",
                f"this condition is too intricate for the engine: its rule needs {cost} "
                f"entries for its and/or groups (the limit is {MAX_RULE_EXPRESSIONS - 1})",
                condition.span,
                "move parts of the condition into definitions of their own",
            )
