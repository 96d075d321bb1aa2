"""Cycles: a jurisdiction inside itself, definitions that depend on each other, duties
that displace each other."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics
from obligate.language.resolve import Library, walk


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


def jurisdiction_cycles(library: Library, diagnostics: Diagnostics) -> None:
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


def definition_cycles(library: Library, diagnostics: Diagnostics) -> None:
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


def override_cycles(library: Library, diagnostics: Diagnostics) -> None:
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
