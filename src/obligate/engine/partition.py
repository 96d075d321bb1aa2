"""Rulesets partitioned by territory, so that a query runs only the rules of its reach.

Every duty rule tests one territorial hook (``r_CODE``: the user is located within CODE's
reach; ``e_CODE``: the service is established there), and a query's fact carries the hooks
of a handful of jurisdictions. Matching one fact costs durable-rules a fixed part plus a
part that grows with the rules of the ruleset it is asserted into, so the duty rules go
into rulesets by hook: a jurisdiction with many rules gets rulesets of its own, the many
with few share packed ones, and a query asserts only into the rulesets whose hooks its fact
carries. Each ruleset also holds the definition rules its duty rules join (and those these
join in turn), since derived facts live in one ruleset's session.

(A ruleset could also remember what it fired by the fact cut down to what its rules read;
on the peer workload, every query a new service, 2% of such lookups hit, so it does not.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from obligate.engine.forms import Alternative

if TYPE_CHECKING:
    from obligate.engine.rules import RulePlan

# A hook with at least this many duty rules gets rulesets of its own; smaller ones share.
OWN_RULESET = 64
# Hooks that share are packed into rulesets of about this many duty rules.
PACKED_RULES = 160


@dataclass
class Partition:
    """One ruleset: its rules, and the hooks that make a query run it."""

    name: str
    positions: list[int]  # definition rules first, then duty rules
    triggers: frozenset[str]  # hook attributes; empty: every query runs it


def partitions(
    name: str, plan: RulePlan, duty_positions: Iterable[int], room: int
) -> list[Partition]:
    """The rulesets of a rule base: duty rules grouped by hook, each group with the
    definition rules it needs; no ruleset holds more than ``room`` duty rules."""
    by_hook: dict[str | None, list[int]] = defaultdict(list)
    for position in sorted(set(duty_positions)):
        by_hook[hook_of(plan.rules[position])].append(position)
    groups: list[tuple[frozenset[str], list[int]]] = []
    small: list[tuple[str, list[int]]] = []
    for hook, positions in sorted(by_hook.items(), key=lambda item: str(item[0])):
        if hook is None:
            groups.append((frozenset(), positions))
        elif len(positions) >= OWN_RULESET:
            groups.append((frozenset({hook}), positions))
        else:
            small.append((hook, positions))
    groups.extend(_packed(small))
    found: list[Partition] = []
    for triggers, positions in groups:
        for start in range(0, len(positions), room):
            chunk = positions[start : start + room]
            every = list(dict.fromkeys([*needed_definitions(plan, chunk), *chunk]))
            found.append(Partition(f"{name}-{len(found)}", every, triggers))
    return found or [Partition(f"{name}-0", [], frozenset())]


def _packed(small: list[tuple[str, list[int]]]) -> list[tuple[frozenset[str], list[int]]]:
    packed: list[tuple[frozenset[str], list[int]]] = []
    hooks: set[str] = set()
    positions: list[int] = []
    for hook, own in small:
        if positions and len(positions) + len(own) > PACKED_RULES:
            packed.append((frozenset(hooks), sorted(set(positions))))
            hooks, positions = set(), []
        hooks.add(hook)
        positions.extend(own)
    if positions:
        packed.append((frozenset(hooks), sorted(set(positions))))
    return packed


def hook_of(rule: Alternative) -> str | None:
    """The territorial hook a duty rule tests (one of the conjuncts of its expression)."""
    expression = rule[1]
    items = expression[1] if expression[0] == "and" else (expression,)
    for item in items:
        if item[0] == "lit":
            literal = item[1]
            if (
                literal[0] == "attr"
                and str(literal[1]).startswith(("r_", "e_"))
                and literal[2:] == ("==", True)
            ):
                return str(literal[1])
    return None


def needed_definitions(plan: RulePlan, positions: Iterable[int]) -> list[int]:
    """The definition rules that derive the facts these rules join, and those these join."""
    concluding: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for position, names in plan.definition_rules.items():
        for derived in names:
            concluding[derived].append(position)
    wanted: set[tuple[str, bool]] = set()
    stack = list(positions)
    chosen: set[int] = set()
    while stack:
        for _kind, name, positive in plan.rules[stack.pop()][0]:
            if (name, positive) in wanted:
                continue
            wanted.add((name, positive))
            for definition in concluding[(name, positive)]:
                if definition not in chosen:
                    chosen.add(definition)
                    stack.append(definition)
    return sorted(chosen)
