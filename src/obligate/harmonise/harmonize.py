"""Harmonise: the law of several markets lined up, category by category.

``compare`` asks the rule base the same question in every market, once per age band (bands
cut at the age thresholds the law itself uses), and fills a categories × markets matrix.
``baseline`` reads the strictest common reading off that matrix, ``divergence`` measures how
far the markets differ, and ``checklist`` turns it into the list of duties a launch must meet.
Everything here is built on ``RuleBase.determine``; nothing reads rule files directly.

This module is the one place callers import from; the work is done in ``markets`` (inputs,
age bands, enforcement lines), ``compare``, ``baseline`` (with conflicts and divergence) and
``checklist``.
"""

from __future__ import annotations

from obligate.harmonise.baseline import (
    AGE_PARAMETERS,
    Baseline,
    BaselineLine,
    Divergence,
    baseline,
    divergence,
)
from obligate.harmonise.cells import (
    CELL_STATES,
    Cell,
    CellAside,
    CellDeadline,
    CellDuty,
    CellParameter,
    CellState,
)
from obligate.harmonise.checklist import (
    Checklist,
    ChecklistChange,
    ChecklistGap,
    ChecklistItem,
    WatchItem,
    checklist,
    group_by_category,
)
from obligate.harmonise.compare import Comparison, compare
from obligate.harmonise.conflicts import TENSIONS, Conflict, Tension, conflicts
from obligate.harmonise.markets import (
    DEFAULT_AGES,
    AgeBand,
    age_bands,
    ages_in_words,
    parse_ages,
    thresholds,
)

__all__ = [
    "AGE_PARAMETERS",
    "TENSIONS",
    "Tension",
    "CELL_STATES",
    "DEFAULT_AGES",
    "AgeBand",
    "Baseline",
    "BaselineLine",
    "Cell",
    "CellAside",
    "CellDeadline",
    "CellDuty",
    "CellParameter",
    "CellState",
    "Checklist",
    "ChecklistChange",
    "ChecklistGap",
    "ChecklistItem",
    "Comparison",
    "Conflict",
    "Divergence",
    "WatchItem",
    "age_bands",
    "ages_in_words",
    "baseline",
    "checklist",
    "compare",
    "conflicts",
    "divergence",
    "group_by_category",
    "parse_ages",
    "thresholds",
]
