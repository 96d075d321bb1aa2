"""Stage 4, checks: what a resolved library must satisfy beyond its names.

Cycles (jurisdictions, definitions, overrides), dates in order, injunctions within the law's
validity, comparisons between values of the same kind, and conditions that can never hold.
Runs after resolve: the checks read declarations by name and assume they exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics, Span, did_you_mean
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library, walk


def check(library: Library, diagnostics: Diagnostics) -> None:
    for stage in (
        _absences_contradicted,
        _jurisdiction_cycles,
        _definition_cycles,
        _override_cycles,
        _dates,
        _types,
        _never_holds,
        _too_many_alternatives,
        _parameters_reachable,
        _term_attributes,
    ):
        stage(library, diagnostics)


# ---------------------------------------------------------------- cycles


def parents(library: Library, code: str) -> list[str]:
    """The jurisdictions whose law reaches ``code`` directly (edges from either side)."""
    node = library.jurisdictions.get(code)
    direct = (
        [target for target, _ in (*node.member_of, *node.part_of, *node.party_to)] if node else []
    )
    direct.extend(
        treaty
        for treaty, other in library.jurisdictions.items()
        if any(party == code for party, _ in other.parties)
    )
    return [p for p in dict.fromkeys(direct) if p in library.jurisdictions]


def _find_cycle(nodes: Iterable[str], edges: Callable[[str], list[str]]) -> list[list[str]]:
    """Every distinct cycle found by depth-first search, each as the path around it."""
    colour: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in sorted(nodes):
        if colour.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = 1
                path.append(node)
            children = edges(node)
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if colour.get(child) == 1:
                    cycles.append(path[path.index(child) :] + [child])
                elif not colour.get(child):
                    stack.append((child, 0))
            else:
                colour[node] = 2
                path.pop()
    return cycles


def _jurisdiction_cycles(library: Library, diagnostics: Diagnostics) -> None:
    treaty_of: dict[str, list[str]] = {}
    for treaty, node in library.jurisdictions.items():
        for party, _ in node.parties:
            treaty_of.setdefault(party, []).append(treaty)

    def edges(code: str) -> list[str]:
        node = library.jurisdictions[code]
        direct = [t for t, _ in (*node.member_of, *node.part_of, *node.party_to)]
        return [p for p in (*direct, *treaty_of.get(code, ())) if p in library.jurisdictions]

    for cycle in _find_cycle(library.jurisdictions, edges):
        span = library.jurisdictions[cycle[0]].span
        diagnostics.error(
            "E301",
            "jurisdictions form a cycle: " + " -> ".join(cycle),
            span,
            "a jurisdiction cannot be inside itself; remove one edge",
        )


def _definition_cycles(library: Library, diagnostics: Diagnostics) -> None:
    def edges(name: str) -> list[str]:
        when = library.definitions[name].when
        if when is None:
            return []
        used = (leaf.name for leaf in walk(when) if isinstance(leaf, m.IsA))
        return [u for u in dict.fromkeys(used) if u in library.definitions]

    for cycle in _find_cycle(library.definitions, edges):
        span = library.definitions[cycle[0]].span
        diagnostics.error(
            "E302",
            "definitions depend on each other in a cycle: " + " -> ".join(cycle),
            span,
            "break the cycle in one definition",
        )


def _override_cycles(library: Library, diagnostics: Diagnostics) -> None:
    def edges(duty_id: str) -> list[str]:
        return [t for t, _ in library.duties[duty_id].overrides if t in library.duties]

    for cycle in _find_cycle(library.duties, edges):
        span = library.duties[cycle[0]].span
        diagnostics.error(
            "E303",
            "duties displace each other: " + " -> ".join(cycle),
            span,
            "only the more specific duty may name the more general one in `overrides:`",
        )


# ---------------------------------------------------------------- dates


@dataclass(frozen=True)
class Validity:
    effective: dt.date | None
    until: dt.date | None


def validity(library: Library, duty: m.Duty) -> Validity:
    instrument = library.instruments.get(duty.cites.instrument) if duty.cites else None
    effective = duty.effective or (instrument.effective if instrument else None)
    until = duty.until or (instrument.until if instrument else None)
    return Validity(effective, until)


def _dates(library: Library, diagnostics: Diagnostics) -> None:
    for instrument in library.instruments.values():
        _window(instrument.effective, instrument.until, instrument.span, diagnostics)
        _court_within(
            instrument.status,
            instrument.court,
            Validity(instrument.effective, instrument.until),
            diagnostics,
        )
    for duty in library.duties.values():
        window = validity(library, duty)
        cited = library.instruments.get(duty.cites.instrument) if duty.cites else None
        status = duty.status or (cited.status if cited else None)
        pending = status is not None and status.kind is m.StatusKind.PENDING
        if window.effective is None and not pending:
            diagnostics.error(
                "E114",
                f"{duty.modality} `{duty.id}` has no effective date",
                duty.span,
                "add `effective:` to the duty or its instrument, or `status: pending`",
            )
        _window(window.effective, window.until, duty.span, diagnostics)
        _court_within(duty.status, duty.court, window, diagnostics)


def _window(
    effective: dt.date | None, until: dt.date | None, span: Span, diagnostics: Diagnostics
) -> None:
    if effective and until and until <= effective:
        diagnostics.error(
            "E401",
            f"ends ({until}) on or before it takes effect ({effective})",
            span,
            "`until:` is the first day the law no longer applies",
        )


def _court_within(
    status: m.Status | None,
    court: Iterable[m.CourtEvent],
    window: Validity,
    diagnostics: Diagnostics,
) -> None:
    dated: list[tuple[dt.date, Span, str]] = [
        (e.date, e.span, f"court event `{e.event}`") for e in court
    ]
    if status is not None and status.kind is m.StatusKind.ENJOINED and status.since:
        dated.append((status.since, status.span, "enjoined since"))
    for date, span, what in dated:
        if window.until and date >= window.until:
            diagnostics.error(
                "E402",
                f"{what} {date} falls after the law ends ({window.until})",
                span,
                "check the date against `until:`",
            )
        elif window.effective and date < window.effective - dt.timedelta(days=366):
            diagnostics.error(
                "E402",
                f"{what} {date} falls more than a year before the law "
                f"takes effect ({window.effective})",
                span,
                "pre-enforcement injunctions come shortly before the effective date",
            )


# ---------------------------------------------------------------- types


def fact_kind(library: Library, ref: m.FactRef) -> str | None:
    if ref.subject == "service" and ref.name in BUILTIN_LIST_FACTS:
        return "names"
    entry = library.fact(ref)
    return entry.fact_type.value if entry and entry.fact_type else None


def _operand_kind(library: Library, operand: m.FactRef | m.NumberLit | m.ParamRef) -> str | None:
    if isinstance(operand, m.FactRef):
        kind = fact_kind(library, operand)
        if kind == m.FactType.NUMBER_PER_JURISDICTION.value:
            return "number" if operand.key else "number per jurisdiction"
        return kind
    return "number"


def _types(library: Library, diagnostics: Diagnostics) -> None:
    for condition in _conditions(library):
        for leaf in walk(condition):
            _type_of_leaf(library, leaf, diagnostics)


def _type_of_leaf(library: Library, leaf: m.Condition, diagnostics: Diagnostics) -> None:
    if isinstance(leaf, m.Compare):
        kinds = [_operand_kind(library, o) for o in (leaf.left, leaf.right)]
        if None in kinds:
            return  # unknown fact: reported by resolve
        if "number per jurisdiction" in kinds:
            diagnostics.error(
                "E404",
                "a per-jurisdiction number needs a jurisdiction: write it as `fact[CODE]`",
                leaf.span,
                "for example service.monthly_active_users[EU]",
            )
        elif kinds[0] != kinds[1] or (kinds[0] != "number" and leaf.op not in ("==", "!=")):
            diagnostics.error(
                "E403",
                f"cannot compare {kinds[0]} with {kinds[1]} using `{leaf.op}`",
                leaf.span,
                "`service is X` tests types, `service has X` tests features",
            )
    elif isinstance(leaf, m.Truth):
        kind = fact_kind(library, leaf.fact)
        if kind is not None and kind != "boolean":
            diagnostics.error(
                "E405",
                f"`{leaf.fact.path}` is a {kind}, not true or false",
                leaf.span,
                "compare it with a value",
            )
    elif isinstance(leaf, m.Member):
        kind = fact_kind(library, leaf.fact)
        if kind is not None and kind not in ("names", "jurisdiction"):
            diagnostics.error(
                "E406",
                f"`{leaf.fact.path}` is a {kind}; `in {{...}}` needs a list or a jurisdiction",
                leaf.span,
                None,
            )
    if isinstance(leaf, (m.Truth, m.Member)) and leaf.fact.key is not None:
        diagnostics.error(
            "E404",
            f"`{leaf.fact.path}` is not a per-jurisdiction number",
            leaf.span,
            "remove the `[...]`",
        )


def _conditions(library: Library) -> list[m.Condition]:
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


def _never_holds(library: Library, diagnostics: Diagnostics) -> None:
    for condition in _conditions(library):
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


# ---------------------------------------------------------------- parameters


def _ancestors(library: Library, code: str) -> list[str]:
    seen: list[str] = []
    frontier = [code]
    while frontier:
        current = frontier.pop(0)
        if current in seen:
            continue
        seen.append(current)
        frontier.extend(parents(library, current))
    return seen


def _parameters_reachable(library: Library, diagnostics: Diagnostics) -> None:
    """A duty reading a parameter should find a value at its own jurisdiction or above."""
    for duty in library.duties.values():
        hooks = [h.jurisdiction for h in duty.applies_to] or _default_hook(library, duty)
        for condition in (duty.when, duty.unless):
            if condition is None:
                continue
            for leaf in walk(condition):
                if not isinstance(leaf, m.Compare):
                    continue
                for operand in (leaf.left, leaf.right):
                    if isinstance(operand, m.ParamRef):
                        _parameter_set(library, operand, hooks, diagnostics)


def _default_hook(library: Library, duty: m.Duty) -> list[str]:
    instrument = library.instruments.get(duty.cites.instrument) if duty.cites else None
    return [instrument.jurisdiction] if instrument and instrument.jurisdiction else []


def _parameter_set(
    library: Library, ref: m.ParamRef, hooks: list[str], diagnostics: Diagnostics
) -> None:
    for code in hooks:
        if code not in library.jurisdictions:
            continue
        if not any(
            any(p.name == ref.name for p in library.jurisdictions[a].parameters)
            for a in _ancestors(library, code)
        ):
            diagnostics.warning(
                "W502",
                f"`{ref.name}` has no value in {code} or any jurisdiction above it",
                ref.span,
                f"set `{ref.name}:` in the {code} jurisdiction block",
            )


def _absences_contradicted(library: Library, diagnostics: Diagnostics) -> None:
    """An absence says the law has no duty of a category: warn when one is encoded."""
    for absence in library.absences.values():
        if absence.checked is None:
            continue
        for duty in library.duties.values():
            hooks = [h.jurisdiction for h in duty.applies_to] or _default_hook(library, duty)
            if duty.category != absence.category or absence.jurisdiction not in hooks:
                continue
            window = validity(library, duty)
            started = window.effective is None or window.effective <= absence.checked
            if started and (window.until is None or absence.checked < window.until):
                diagnostics.warning(
                    "W503",
                    f"absence `{absence.id}` says {absence.jurisdiction} has no "
                    f"{absence.category} duty, but `{duty.id}` is one",
                    absence.span,
                    "remove the absence or check the duty's category",
                )


# ---------------------------------------------------------------- defined terms

_WRITTEN = {"number": "a number", "text": "quoted text", "name": "a name"}
_EXPECTED = {
    m.AttributeType.NUMBER: ("number", "a number, such as 18"),
    m.AttributeType.BOOLEAN: ("name", "true or false"),
    m.AttributeType.TEXT: ("text", 'quoted text, such as "actual knowledge"'),
    m.AttributeType.ONE_OF: ("name", "one of the names the vocabulary lists"),
}


def _term_attributes(library: Library, diagnostics: Diagnostics) -> None:
    """Each attribute of a term holds the kind of value its declaration says."""
    for term in library.term_definitions:
        _window(term.effective, term.until, term.span, diagnostics)
        for value in term.attributes:
            declared = library.attributes.get(value.name)
            if declared is not None and declared.attribute_type is not None:
                _attribute_value(declared, value, diagnostics)


def _attribute_value(
    declared: m.VocabularyEntry, value: m.AttributeValue, diagnostics: Diagnostics
) -> None:
    assert declared.attribute_type is not None
    kind, accepted = _EXPECTED[declared.attribute_type]
    if value.kind != kind:
        diagnostics.error(
            "E407",
            f"`{value.name}` holds {accepted.split(',')[0]}, but its value here is "
            f"{_WRITTEN[value.kind]} ({value.shown})",
            value.value_span or value.span,
            f"write {accepted}" + (f": {', '.join(declared.choices)}" if declared.choices else ""),
        )
        return
    if declared.attribute_type is m.AttributeType.BOOLEAN:
        choices: tuple[str, ...] = ("true", "false")
    elif declared.attribute_type is m.AttributeType.ONE_OF:
        choices = declared.choices
    else:
        return
    if value.text not in choices:
        diagnostics.error(
            "E414",
            f"`{value.text}` is not a value of `{value.name}`",
            value.value_span or value.span,
            did_you_mean(value.text or "", choices) or f"write one of: {', '.join(choices)}",
        )


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


def _too_many_alternatives(library: Library, diagnostics: Diagnostics) -> None:
    conditions: list[m.Condition] = [d.when for d in library.definitions.values() if d.when]
    for duty in library.duties.values():
        parts: list[m.Condition] = [c for c in (duty.when,) if c is not None]
        if duty.unless is not None:
            parts.append(m.Not(span=duty.unless.span, item=duty.unless))
        if parts:
            conditions.append(
                parts[0] if len(parts) == 1 else m.AllOf(span=parts[0].span, items=tuple(parts))
            )
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
