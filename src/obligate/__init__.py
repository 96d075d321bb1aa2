"""obligate: which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why."""

from __future__ import annotations

from obligate.determination.answer import Determination, Explanation
from obligate.determination.query import QueryError, Service, User
from obligate.determination.rulebase import RuleBase, load
from obligate.language.diagnostics import Diagnostic, RuleFileError

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
]

__version__ = "0.1.0"
