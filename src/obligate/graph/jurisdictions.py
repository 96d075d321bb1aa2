"""The jurisdiction graph: whose law reaches a place, and which parameter value holds there.

networkx lives here and nowhere else. Edges point from the child to the jurisdiction whose
law reaches it: DE -member_of-> EU, US-CA -part_of-> US, DE -party_to-> INT-BUDAPEST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from obligate.language import model as m


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
        self.graph: nx.DiGraph = nx.DiGraph()
        for code, node in sorted(self.nodes.items()):
            self.graph.add_node(code, name=node.name)
        for code, node in sorted(self.nodes.items()):
            for kind, targets in (
                ("member_of", node.member_of),
                ("part_of", node.part_of),
                ("party_to", node.party_to),
            ):
                for target, _span in targets:
                    self.graph.add_edge(code, target, kind=kind)
        # Edges a treaty declares from its side come after every edge a place declares
        # itself, so they never jump ahead of a place's own member_of or part_of.
        for code, node in sorted(self.nodes.items()):
            for party, _span in node.parties:
                self.graph.add_edge(party, code, kind="party_to")
        self._reach: dict[str, tuple[str, ...]] = {}

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
            cached = (code, *(child for _parent, child in nx.bfs_edges(self.graph, code)))
            self._reach[code] = cached
        return cached

    def path(self, code: str, ancestor: str) -> list[str]:
        """The chain from ``code`` up to ``ancestor`` (``["DE", "EU"]``): how the law got there."""
        try:
            return list(nx.shortest_path(self.graph, code, ancestor))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return []

    def edge_kind(self, child: str, parent: str) -> str:
        return str(self.graph.edges[child, parent]["kind"])

    def members(self, code: str) -> set[str]:
        """Every jurisdiction the law of ``code`` reaches (itself included)."""
        return {code, *nx.ancestors(self.graph, code)}

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
        for child, parent, data in sorted(self.graph.edges(data=True)):
            lines.append(f'  "{child}" -> "{parent}" [label="{data["kind"]}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_mermaid(self) -> str:
        lines = ["graph BT"]
        for code in sorted(self.nodes):
            lines.append(f'  {_mermaid_id(code)}["{code}: {_escape(self.nodes[code].name)}"]')
        for child, parent, data in sorted(self.graph.edges(data=True)):
            lines.append(f"  {_mermaid_id(child)} -->|{data['kind']}| {_mermaid_id(parent)}")
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
