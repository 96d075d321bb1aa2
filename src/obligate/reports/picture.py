"""Pictures of the jurisdiction graph: DOT and Mermaid text, and SVG or PNG drawn by
Graphviz, optionally coloured by a parameter (the digital-consent age across Europe)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap

import pydot

from obligate.determination.rulebase import RuleBase

# Colour-blind-safe sequential palette, light to dark.
PALETTE = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)


class PictureError(Exception):
    """The picture cannot be drawn (Graphviz missing, or it failed)."""


def colours(rulebase: RuleBase, parameter: str, date: dt.date) -> dict[str, tuple[str, str]]:
    """code -> (label, fill colour) for every place where ``parameter`` has a value."""
    values: dict[str, float] = {}
    for code in rulebase.jurisdictions:
        setting = rulebase.graph.parameters(code, date).get(parameter)
        if setting is not None:
            values[code] = setting.value
    distinct = sorted(set(values.values()))
    step = max(1, (len(PALETTE) - 1) // max(1, len(distinct) - 1)) if distinct else 1
    fill = {v: PALETTE[min(i * step + 1, len(PALETTE) - 1)] for i, v in enumerate(distinct)}
    return {code: (f"{parameter} {value:g}", fill[value]) for code, value in values.items()}


# How each kind of link is drawn; the legend shows the same. A treaty's parties do not pull
# the treaty's box about (constraint=false): the membership tree sets the layout.
EDGE_STYLES: dict[str, dict[str, str]] = {
    "member_of": {"style": "solid", "color": "#1b1f24"},
    "part_of": {"style": "dashed", "color": "#1b1f24"},
    "party_to": {"style": "dotted", "color": "#8c959f", "constraint": "false"},
}
# Children of one parent are spread over this many rows (minimum edge lengths 1..STAGGER),
# so that a union of 30 states or a country of 50 states is not one row of boxes.
STAGGER = 6
NAME_WIDTH = 28  # characters per line of a box's name
# Places with no parent in the picture (countries, unions, treaties) are laid out in rows of
# this many, stacked by invisible links, instead of one row of all of them.
ROOTS_PER_ROW = 10


def places(rulebase: RuleBase, region: str | None = None, around: str | None = None) -> set[str]:
    """The places a picture shows: all; those under ``region`` (it, and every place its law
    reaches); or the neighbourhood of the market ``around`` (every jurisdiction whose law
    reaches it, and the places within it)."""
    graph = rulebase.graph
    chosen = set(graph.nodes)
    if region is not None:
        chosen &= graph.members(region)
    if around is not None:
        inside = {code for code in graph.nodes if around in graph.reach(code)}
        chosen &= set(graph.reach(around)) | inside
    return chosen


def dot(
    rulebase: RuleBase,
    parameter: str | None = None,
    date: dt.date | None = None,
    region: str | None = None,
    around: str | None = None,
    legend: bool = True,
) -> str:
    """DOT text of the jurisdiction graph, written by pydot: one box per place (code and
    name, and the parameter's value where it is coloured), one edge per link drawn by its
    kind, parents above children, a legend; only the places of ``region`` or ``around``
    when given."""
    painted = colours(rulebase, parameter, date or dt.date.today()) if parameter else {}
    shown = places(rulebase, region, around)
    picture = jurisdiction_graph(rulebase, painted, shown)
    if legend:
        add_legend(picture, painted, parameter)
    return picture.to_string()


def jurisdiction_graph(
    rulebase: RuleBase, painted: dict[str, tuple[str, str]], shown: set[str] | None = None
) -> pydot.Dot:
    """``painted`` maps a code to (an extra label line, a fill colour); ``shown`` limits the
    picture to those places (and the links between them)."""
    picture = pydot.Dot(
        "jurisdictions",
        graph_type="digraph",
        rankdir="BT",
        newrank="true",
        ranksep="0.35",
        concentrate="true",
    )
    picture.set_node_defaults(shape="box", fontname="Helvetica", fontsize="10")
    picture.set_edge_defaults(fontname="Helvetica", fontsize="8", arrowsize="0.6")
    graph = rulebase.graph
    shown = set(graph.nodes) if shown is None else shown
    for code in sorted(shown):
        # long names (a treaty's full title) wrapped, so that boxes stay narrow
        lines = [code, *textwrap.wrap(graph.nodes[code].name, NAME_WIDTH)]
        if code in painted:
            lines.append(painted[code][0])
        # "\\n" is DOT's centred line break inside a label; pydot quotes and escapes the rest.
        node = pydot.Node(_node_id(code), label="\\n".join(lines))
        if code in painted:
            node.set("style", "filled")
            node.set("fillcolor", painted[code][1])
        picture.add_node(node)
    edges = [
        (child, parent, data["kind"])
        for child, parent, data in sorted(graph.graph.edges(data=True))
        if child in shown and parent in shown
    ]
    rows: dict[str, int] = {}
    for child, parent, kind in edges:
        attributes = dict(EDGE_STYLES.get(kind, {}))
        if kind != "party_to":  # stagger the children of each parent over a few rows
            row = rows.get(parent, 0)
            rows[parent] = row + 1
            if row % STAGGER:
                attributes["minlen"] = str(1 + row % STAGGER)
        picture.add_edge(_edge(_node_id(child), _node_id(parent), attributes))
    has_parent = {child for child, _parent, kind in edges if kind != "party_to"}
    roots = sorted(shown - has_parent)
    for index in range(ROOTS_PER_ROW, len(roots)):
        above = roots[index - ROOTS_PER_ROW]
        picture.add_edge(_edge(_node_id(roots[index]), _node_id(above), {"style": "invis"}))
    return picture


def add_legend(
    picture: pydot.Dot, painted: dict[str, tuple[str, str]], parameter: str | None
) -> None:
    """A boxed legend: what each kind of line means, and the colours of the parameter."""
    # a subgraph named cluster_* is drawn boxed by Graphviz
    legend = pydot.Subgraph(
        "cluster_legend", label="legend", fontname="Helvetica", fontsize="10", style="rounded"
    )
    for kind, style in EDGE_STYLES.items():
        low, high = f"legend_{kind}_from", f"legend_{kind}_to"
        legend.add_node(pydot.Node(low, label="", shape="point", width="0.05"))
        legend.add_node(pydot.Node(high, label=kind.replace("_", " "), shape="plaintext"))
        drawn = {k: v for k, v in style.items() if k != "constraint"}
        legend.add_edge(_edge(low, high, drawn))
    values = sorted(
        {(label, fill) for label, fill in painted.values()},
        key=lambda pair: float(pair[0].rsplit(" ", 1)[-1]),
    )
    for index, (label, fill) in enumerate(values):
        shown = label.removeprefix(f"{parameter} ") if parameter else label
        legend.add_node(
            pydot.Node(
                f"legend_value_{index}",
                label=f"{parameter}: {shown}",
                style="filled",
                fillcolor=fill,
                shape="box",
            )
        )
    picture.add_subgraph(legend)


def _edge(tail: str, head: str, attributes: dict[str, str]) -> pydot.Edge:
    edge = pydot.Edge(tail, head)
    for name, value in attributes.items():
        edge.set(name, value)
    return edge


def _node_id(code: str) -> str:
    # Jurisdiction codes are letters, digits and hyphens (XF-1): always quoted, so that
    # a code that happens to be a DOT keyword (NODE, EDGE) is still a plain name.
    return f'"{code}"'


def render(dot_text: str, fmt: str) -> bytes:
    """Draw DOT as SVG or PNG with Graphviz's ``dot``."""
    program = shutil.which("dot")
    if program is None:
        raise PictureError(
            "Graphviz is not installed (the `dot` program is needed for svg "
            "and png; on Debian: apt-get install graphviz)"
        )
    result = subprocess.run(
        [program, f"-T{fmt}"],
        input=dot_text.encode(),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise PictureError(result.stderr.decode(errors="replace").strip())
    return result.stdout
