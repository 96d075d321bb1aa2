"""obligate: which child-online-protection duties apply to this service, for this user, in
this place, on this date, and why."""

from __future__ import annotations

from obligate.api import RuleBase, load
from obligate.determination import Determination, Explanation
from obligate.diagnostics import Diagnostic, RuleFileError
from obligate.query import QueryError, Service, User

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
