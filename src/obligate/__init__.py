"""obligate: which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from obligate.about import __version__

if TYPE_CHECKING:
    from obligate.determination.answer import Determination, Explanation
    from obligate.determination.query import QueryError, Service, User
    from obligate.determination.rulebase import RuleBase, load
    from obligate.language.diagnostics import Diagnostic, RuleFileError
    from obligate.language.release import shipped_rules

__all__ = [
    "Determination",
    "Diagnostic",
    "Explanation",
    "QueryError",
    "RuleBase",
    "RuleFileError",
    "Service",
    "User",
    "__version__",
    "load",
    "shipped_rules",
]

# Where each public name lives. They are imported on first use, not with the package: the
# command line imports ``obligate`` on every run, and most commands need few of them.
_PUBLIC = {
    "Determination": "obligate.determination.answer",
    "Explanation": "obligate.determination.answer",
    "QueryError": "obligate.determination.query",
    "Service": "obligate.determination.query",
    "User": "obligate.determination.query",
    "RuleBase": "obligate.determination.rulebase",
    "load": "obligate.determination.rulebase",
    "Diagnostic": "obligate.language.diagnostics",
    "RuleFileError": "obligate.language.diagnostics",
    "shipped_rules": "obligate.language.release",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'obligate' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
