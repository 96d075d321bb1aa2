"""Periods by kind, and which is strictest: a deadline is not just a number of hours.

A time limit to act is strictest when shortest (remove within 24 hours beats 48), a retention
or preservation period when longest (keep for a year beats six months), a reporting interval
when shortest (report every six months beats yearly) and a notice period when longest. The
baseline and the compare cells read periods through ``strictest`` so that no kind is compared
with another, and each is printed the way the law writes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from obligate.determination.answer import DeadlineOut

# kind -> (the strictest is the longest?, how a line names the strictest)
STRICTEST = {
    "time limit": (False, "shortest time limit"),
    "retention": (True, "longest retention period"),
    "reporting interval": (False, "most frequent reporting"),
    "notice period": (True, "longest notice period"),
}


class Period(NamedTuple):
    kind: str
    hours: float
    deadline: DeadlineOut
    duty: str
    market: str


def period_text(deadline: DeadlineOut) -> str:
    """A period as the law writes it, with its kind: "within 24 hours", "keep for 1 year",
    "report every 6 months", "6 months' notice"."""
    text = deadline.text
    if deadline.amount is None:
        return text
    return {
        "time limit": f"within {text}",
        "retention": f"keep for {text}",
        "reporting interval": f"report every {text}",
        "notice period": f"{text}' notice" if text.endswith("s") else f"{text}'s notice",
    }.get(deadline.kind, text)


def strictest(periods: Iterable[Period]) -> dict[str, Period]:
    """The strictest period of each kind (ties: the first given)."""
    found: dict[str, Period] = {}
    for period in periods:
        longest, _ = STRICTEST[period.kind]
        best = found.get(period.kind)
        if best is None:
            found[period.kind] = period
        elif (period.hours > best.hours) if longest else (period.hours < best.hours):
            found[period.kind] = period
    return {kind: found[kind] for kind in STRICTEST if kind in found}
