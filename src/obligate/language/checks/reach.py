"""Checks over the jurisdictions a duty reaches (its `applies to` hooks, or its instrument's
jurisdiction): the parameters it reads are set there or above, and no reviewed absence
there says a duty of its category does not exist."""

from __future__ import annotations

from obligate.language import model as m
from obligate.language.checks.cycles import parents
from obligate.language.checks.dates import validity
from obligate.language.diagnostics import Diagnostics
from obligate.language.resolve import Library, walk


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


def _default_hook(library: Library, duty: m.Duty) -> list[str]:
    instrument = library.instruments.get(duty.cites.instrument) if duty.cites else None
    return [instrument.jurisdiction] if instrument and instrument.jurisdiction else []


# ---------------------------------------------------------------- parameters


def parameters_reachable(library: Library, diagnostics: Diagnostics) -> None:
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


# ---------------------------------------------------------------- absences


def absences_contradicted(library: Library, diagnostics: Diagnostics) -> None:
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
