"""Fields that hold one value and appear in several kinds of block: dates, texts, a
citation, a category and a deadline."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field

_UNITS = {
    "hour": "hours",
    "hours": "hours",
    "day": "days",
    "days": "days",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}


class ValueRules(BuilderBase):
    # ------------------------------------------------------------ dates

    def adopted(self, children: list[Token]) -> Field:
        return ("adopted", self._date(children[0]), self._token_span(children[0]))

    def effective(self, children: list[Token]) -> Field:
        return ("effective", self._date(children[0]), self._token_span(children[0]))

    def until(self, children: list[Token]) -> Field:
        return ("until", self._date(children[0]), self._token_span(children[0]))

    # ------------------------------------------------------------ texts

    def url(self, children: list[Token]) -> Field:
        return ("url", self._text(children[0]), self._cover(children))

    def note(self, children: list[Token]) -> Field:
        return ("note", self._text(children[0]), self._cover(children))

    # ------------------------------------------------------------ citation and category

    def cites(self, children: list[Any]) -> Field:
        instrument, provision, *rest = children
        citation = m.Citation(
            span=self._token_span(instrument),
            instrument=str(instrument),
            provision=self._text(provision),
            url=rest[0] if rest else None,
        )
        return ("cites", citation, self._cover(children))

    def at(self, children: list[Token]) -> str:
        return self._text(children[0])

    def category(self, children: list[Token]) -> Field:
        return ("category", str(children[0]), self._token_span(children[0]))

    # ------------------------------------------------------------ deadlines

    def deadline(self, children: list[Token]) -> Field:
        kind, rest = _kind(children)
        amount, unit, *text = rest
        deadline = m.Deadline(
            span=self._cover(children),
            amount=self._number(amount),
            unit=m.DeadlineUnit(_UNITS[str(unit)]),
            description=self._text(text[0]) if text else None,
            kind=kind,
        )
        return ("deadline", deadline, self._cover(children))

    def qualitative_deadline(self, children: list[Token]) -> Field:
        kind, rest = _kind(children)
        deadline = m.Deadline(
            span=self._cover(children), description=self._text(rest[0]), kind=kind
        )
        return ("deadline", deadline, self._cover(children))


def _kind(children: list[Token]) -> tuple[m.DeadlineKind, list[Token]]:
    """A deadline's kind keyword (``within``, ``retain``, ``every``, ``notice``), if it has
    one, and the rest of its parts; without one it is a time limit."""
    if children and children[0].type == "DEADLINE_KIND":
        return m.DEADLINE_KEYWORDS[str(children[0])], children[1:]
    return m.DeadlineKind.TIME_LIMIT, children
