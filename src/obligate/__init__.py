"""obligate: which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why."""

from __future__ import annotations

from obligate.about import __version__
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
