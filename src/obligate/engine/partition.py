"""Rulesets partitioned by territory, so that a query runs only the rules of its reach.

Every duty rule tests one territorial hook (``r_CODE``: the user is located within CODE's
reach; ``e_CODE``: the service is established there), and a query's fact carries the hooks
of a handful of jurisdictions. Matching one fact costs durable-rules a fixed part plus a
part that grows with the rules of the ruleset it is asserted into, so the duty rules go
into rulesets by hook: a jurisdiction with many rules gets rulesets of its own, the many
with few share packed ones, and a query asserts only into the rulesets whose hooks its fact
carries. Each ruleset also holds the definition rules its duty rules join (and those these
join in turn), since derived facts live in one ruleset's session.

What a ruleset fires depends only on the attributes its rules read (and how the user's age
compares with the ages they name), so a ruleset remembers what it fired by the fact cut
down to those: a query from another member state of a union, or a new service that differs
only in facts a small jurisdiction's rules do not read, fires nothing again there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from obligate.engine.forms import AGE, Alternative, literals

if TYPE_CHECKING:
    from obligate.engine.rules import RulePlan

# A hook with at least this many duty rules gets rulesets of its own; smaller ones share.
OWN_RULESET = 64
# Hooks that share are packed into rulesets of about this many duty rules.
PACKED_RULES = 160
# What one ruleset remembers (fired rules by the fact cut down to what it reads) before it
# starts again empty.
REMEMBERED = 20_000


@dataclass
class Partition:
    """One ruleset: its rules, the hooks that make a query run it, what its rules read."""

    name: str
    positions: list[int]  # definition rules first, then duty rules
    triggers: frozenset[str]  # hook attributes; empty: every query runs it
    reads: tuple[str, ...]  # the attributes its rules read, sorted
    age_constants: tuple[float, ...]
    age_partners: tuple[str, ...]
    remembered: dict[tuple[Any, ...], frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.read_set = frozenset(self.reads)

    def cut(self, fact: Mapping[str, Any]) -> dict[str, Any]:
        """The fact as this ruleset needs it: only the attributes its rules read (a fact
        has a dozen attributes, a packed ruleset reads hundreds: walk the fact)."""
        reads = self.read_set
        return {a: v for a, v in fact.items() if a in reads}

    def key(self, cut: Mapping[str, Any]) -> tuple[Any, ...]:
        """The fact's class for this ruleset: its attributes, the age by its bands."""
        age = cut.get(AGE)
        rest = tuple(sorted((k, v) for k, v in cut.items() if k != AGE))
        if age is None:
            return (rest, None)
        bands = [(age < t, age == t) for t in self.age_constants]
        for attribute in self.age_partners:
            other = cut.get(attribute)
            bands.append((None, None) if other is None else (age < other, age == other))
        return (rest, tuple(bands))

    def remember(self, key: tuple[Any, ...], fired: frozenset[int]) -> None:
        if len(self.remembered) >= REMEMBERED:
            self.remembered.clear()
        self.remembered[key] = fired


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
            found.append(_partition(f"{name}-{len(found)}", plan, every, triggers))
    return found or [_partition(f"{name}-0", plan, [], frozenset())]


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


def _partition(
    name: str, plan: RulePlan, positions: list[int], triggers: frozenset[str]
) -> Partition:
    reads: set[str] = set()
    constants: set[float] = set()
    partners: set[str] = set()
    for position in positions:
        for literal in literals(plan.rules[position][1]):
            if literal[0] == "attr":
                reads.add(literal[1])
                if literal[1] == AGE:
                    constants.add(literal[3])
            elif literal[0] == "pair":
                reads.update((literal[1], literal[3]))
                if AGE in (literal[1], literal[3]):
                    partners.add(literal[3] if literal[1] == AGE else literal[1])
    return Partition(
        name,
        positions,
        triggers,
        tuple(sorted(reads)),
        tuple(sorted(constants)),
        tuple(sorted(partners)),
    )


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
