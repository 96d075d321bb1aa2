"""Pictures of the jurisdiction graph: DOT and Mermaid text, and SVG or PNG drawn by
Graphviz, optionally coloured by a parameter (the digital-consent age across Europe)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

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
    painted = colours(rulebase, parameter, date or dt.date.today()) if parameter else {}
    return rulebase.graph.to_dot(painted)


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
