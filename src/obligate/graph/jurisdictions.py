"""The jurisdiction graph: whose law reaches a place, and which parameter value holds there.

Edges point from the child to the jurisdiction whose law reaches it: DE -member_of-> EU,
US-CA -part_of-> US, DE -party_to-> INT-BUDAPEST. The walks a query needs (reach, path,
members) are plain breadth-first walks over dict adjacency, in networkx's order, so that a
query does not import networkx (a fifth of a second); networkx lives here and nowhere else,
for what serves a picture or a check (``graph``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from obligate.language import model as m

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class ParameterSetting:
    """A parameter's value as read at a place on a date, and where it came from."""

    name: str
    value: float
    origin: str
    since: dt.date | None
    under: m.Citation | None

    def to_json(self) -> dict[str, object]:
        value: object = int(self.value) if self.value == int(self.value) else self.value
        return {"value": value, "from": self.origin}


class JurisdictionGraph:
    def __init__(self, jurisdictions: Iterable[m.Jurisdiction]) -> None:
        self.nodes: dict[str, m.Jurisdiction] = {j.code: j for j in jurisdictions}
        # child -> {parent: kind} and parent -> {child: None}, each in the order the edges
        # were added (a repeated edge keeps its place and takes the later kind): the order
        # networkx's DiGraph keeps, on which ties in ``reach`` and ``path`` depend
        self._parents: dict[str, dict[str, str]] = {code: {} for code in sorted(self.nodes)}
        self._children: dict[str, dict[str, None]] = {code: {} for code in self._parents}
        for code, node in sorted(self.nodes.items()):
            for kind, targets in (
                ("member_of", node.member_of),
                ("part_of", node.part_of),
                ("party_to", node.party_to),
            ):
                for target, _span in targets:
                    self._add_edge(code, target, kind)
        # Edges a treaty declares from its side come after every edge a place declares
        # itself, so they never jump ahead of a place's own member_of or part_of.
        for code, node in sorted(self.nodes.items()):
            for party, _span in node.parties:
                self._add_edge(party, code, "party_to")
        self._reach: dict[str, tuple[str, ...]] = {}

    def _add_edge(self, child: str, parent: str, kind: str) -> None:
        self._parents.setdefault(child, {})[parent] = kind
        self._parents.setdefault(parent, {})
        self._children.setdefault(parent, {})[child] = None
        self._children.setdefault(child, {})

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The same graph as a networkx DiGraph (nodes carry ``name``, edges ``kind``), for
        pictures and checks; built on first use."""
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph()
        for code in self._parents:
            if code in self.nodes:
                graph.add_node(code, name=self.nodes[code].name)
            else:
                graph.add_node(code)
        for child, parents in self._parents.items():
            for parent, kind in parents.items():
                graph.add_edge(child, parent, kind=kind)
        return graph

    def edges(self) -> list[tuple[str, str, str]]:
        """Every (child, parent, kind), sorted."""
        return sorted(
            (child, parent, kind)
            for child, parents in self._parents.items()
            for parent, kind in parents.items()
        )

    def __contains__(self, code: object) -> bool:
        return code in self.nodes

    def reach(self, code: str) -> tuple[str, ...]:
        """``code`` and every jurisdiction whose law reaches it, nearest first.

        Ties at one distance follow the order the edges are written in the rule file
        (``member_of: EU, EEA`` puts EU before EEA), so the author decides which parent's
        parameter value wins when two parents set one.
        """
        cached = self._reach.get(code)
        if cached is None:
            if code not in self._parents:
                raise KeyError(f"The node {code} is not in the digraph.")
            cached = tuple(_breadth_first(code, self._parents))
            self._reach[code] = cached
        return cached

    def path(self, code: str, ancestor: str) -> list[str]:
        """The chain from ``code`` up to ``ancestor`` (``["DE", "EU"]``): how the law got there."""
        if code not in self._parents or ancestor not in self._parents:
            return []
        if code == ancestor:
            return [code]
        # networkx's bidirectional search, step for step: among paths of equal length it
        # returns the one its fringes meet on first
        up: dict[str, str | None] = {code: None}
        down: dict[str, str | None] = {ancestor: None}
        forward, reverse = [code], [ancestor]
        meeting: str | None = None
        while forward and reverse and meeting is None:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for place in level:
                    for parent in self._parents[place]:
                        if parent not in up:
                            forward.append(parent)
                            up[parent] = place
                        if parent in down:
                            meeting = parent
                            break
                    if meeting is not None:
                        break
            else:
                level, reverse = reverse, []
                for place in level:
                    for child in self._children[place]:
                        if child not in down:
                            down[child] = place
                            reverse.append(child)
                        if child in up:
                            meeting = child
                            break
                    if meeting is not None:
                        break
        if meeting is None:
            return []
        chain: list[str] = []
        step: str | None = meeting
        while step is not None:
            chain.append(step)
            step = up[step]
        chain.reverse()
        step = down[chain[-1]]
        while step is not None:
            chain.append(step)
            step = down[step]
        return chain

    def edge_kind(self, child: str, parent: str) -> str:
        return self._parents[child][parent]

    def members(self, code: str) -> set[str]:
        """Every jurisdiction the law of ``code`` reaches (itself included)."""
        return set(_breadth_first(code, self._children))

    def parameters(self, code: str, date: dt.date) -> dict[str, ParameterSetting]:
        """Each parameter's value on ``date`` at ``code``, the nearest jurisdiction first."""
        found: dict[str, ParameterSetting] = {}
        for place in self.reach(code):
            for name, setting in _settings_on(self.nodes[place], date).items():
                found.setdefault(name, setting)
        return dict(sorted(found.items()))

    def parameter_changes(
        self, code: str, start: dt.date, end: dt.date
    ) -> list[tuple[dt.date, ParameterSetting]]:
        """Dated parameter values in ``(start, end]`` that would change the answer at ``code``."""
        changes: list[tuple[dt.date, ParameterSetting]] = []
        for place in self.reach(code):
            for value in self.nodes[place].parameters:
                if value.since and start < value.since <= end:
                    setting = ParameterSetting(
                        value.name, value.value, place, value.since, value.under
                    )
                    changes.append((value.since, setting))
        return sorted(changes, key=lambda c: (c[0], c[1].name, c[1].origin))

    def to_dot(self, painted: dict[str, tuple[str, str]] | None = None) -> str:
        """DOT text; ``painted`` maps a code to (an extra label line, a fill colour)."""
        painted = painted or {}
        lines = ["digraph jurisdictions {", "  rankdir=BT;", "  node [shape=box];"]
        for code in sorted(self.nodes):
            label = f"{code}\\n{_escape(self.nodes[code].name)}"
            style = ""
            if code in painted:
                extra, fill = painted[code]
                label += f"\\n{_escape(extra)}"
                style = f', style=filled, fillcolor="{fill}"'
            lines.append(f'  "{code}" [label="{label}"{style}];')
        for child, parent, kind in self.edges():
            lines.append(f'  "{child}" -> "{parent}" [label="{kind}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_mermaid(self) -> str:
        lines = ["graph BT"]
        for code in sorted(self.nodes):
            lines.append(f'  {_mermaid_id(code)}["{code}: {_escape(self.nodes[code].name)}"]')
        for child, parent, kind in self.edges():
            lines.append(f"  {_mermaid_id(child)} -->|{kind}| {_mermaid_id(parent)}")
        return "\n".join(lines) + "\n"


def _settings_on(node: m.Jurisdiction, date: dt.date) -> dict[str, ParameterSetting]:
    """The values a jurisdiction itself sets on a date: the latest ``from`` not after it."""
    best: dict[str, m.ParameterValue] = {}
    for value in node.parameters:
        if value.since and value.since > date:
            continue
        current = best.get(value.name)
        if current is None or (value.since or dt.date.min) >= (current.since or dt.date.min):
            best[value.name] = value
    return {
        name: ParameterSetting(name, v.value, node.code, v.since, v.under)
        for name, v in best.items()
    }


def _escape(text: str) -> str:
    return text.replace('"', "'")


def _mermaid_id(code: str) -> str:
    return code.replace("-", "_")


def _breadth_first(start: str, edges: Mapping[str, Iterable[str]]) -> dict[str, None]:
    """``start`` and every place reached along ``edges``, nearest first (a dict keeps the order)."""
    found: dict[str, None] = {start: None}
    level = [start]
    while level:
        following = []
        for place in level:
            for neighbour in edges[place]:
                if neighbour not in found:
                    found[neighbour] = None
                    following.append(neighbour)
        level = following
    return found
