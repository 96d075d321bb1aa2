"""Stage 4, checks: what a resolved library must satisfy beyond its names.

Cycles (jurisdictions, definitions, overrides), dates in order, injunctions within the law's
validity, comparisons between values of the same kind, conditions that can never hold or
need too many engine rules, parameters and absences over a duty's jurisdictions, and the
values of defined terms' attributes. Runs after resolve: the checks read declarations by
name and assume they exist. One module per kind of check.
"""

from __future__ import annotations

from obligate.language.checks.conditions import (
    never_holds,
    too_intricate,
    too_many_alternatives,
)
from obligate.language.checks.cycles import definition_cycles, jurisdiction_cycles, override_cycles
from obligate.language.checks.dates import dates
from obligate.language.checks.reach import absences_contradicted, parameters_reachable
from obligate.language.checks.types import term_attributes, types
from obligate.language.diagnostics import Diagnostics
from obligate.language.resolve import Library

__all__ = ["check"]


def check(library: Library, diagnostics: Diagnostics) -> None:
    for stage in (
        absences_contradicted,
        jurisdiction_cycles,
        definition_cycles,
        override_cycles,
        dates,
        types,
        never_holds,
        too_many_alternatives,
        too_intricate,
        parameters_reachable,
        term_attributes,
    ):
        stage(library, diagnostics)
