"""Pictures of the jurisdiction graph: DOT and Mermaid text, and SVG or PNG drawn by
Graphviz, optionally coloured by a parameter (the digital-consent age across Europe)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

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


def dot(rulebase: RuleBase, parameter: str | None = None, date: dt.date | None = None) -> str:
    """DOT text of the jurisdiction graph, written by pydot: one box per place (code and
    name, and the parameter's value where it is coloured), one labelled edge per link,
    parents above children."""
    painted = colours(rulebase, parameter, date or dt.date.today()) if parameter else {}
    return jurisdiction_graph(rulebase, painted).to_string()


def jurisdiction_graph(rulebase: RuleBase, painted: dict[str, tuple[str, str]]) -> pydot.Dot:
    """``painted`` maps a code to (an extra label line, a fill colour)."""
    picture = pydot.Dot("jurisdictions", graph_type="digraph", rankdir="BT")
    picture.set_node_defaults(shape="box")
    graph = rulebase.graph
    for code in sorted(graph.nodes):
        lines = [code, graph.nodes[code].name]
        if code in painted:
            lines.append(painted[code][0])
        # "\\n" is DOT's centred line break inside a label; pydot quotes and escapes the rest.
        node = pydot.Node(_node_id(code), label="\\n".join(lines))
        if code in painted:
            node.set("style", "filled")
            node.set("fillcolor", painted[code][1])
        picture.add_node(node)
    for child, parent, data in sorted(graph.graph.edges(data=True)):
        picture.add_edge(pydot.Edge(_node_id(child), _node_id(parent), label=data["kind"]))
    return picture


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
