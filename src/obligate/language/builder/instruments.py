"""`instrument` blocks: a law, when it is adopted and in force, and its court history
(status, injunctions and the events that change them)."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field


class InstrumentRules(BuilderBase):
    def instrument(self, children: list[Any]) -> m.Instrument:
        ident, title, *items = children
        fields = self._fields("instrument", items)
        jurisdiction = fields.get("jurisdiction")
        court, court_reviewed = self._value(fields, "court", ((), None))
        return m.Instrument(
            span=self._token_span(ident),
            id=str(ident),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            url=self._value(fields, "url"),
            adopted=self._value(fields, "adopted"),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            status=self._value(fields, "status"),
            court=court,
            reviewed=self._value(fields, "reviewed"),
            court_reviewed=court_reviewed,
            note=self._value(fields, "note"),
        )

    # ------------------------------------------------------------ status (also on duties)

    def status(self, children: list[m.Status]) -> Field:
        return ("status", children[0], self._cover(children))

    def in_force(self, children: list[Any]) -> m.Status:
        return m.Status(span=self._cover(children), kind=m.StatusKind.IN_FORCE)

    def pending(self, children: list[Any]) -> m.Status:
        return m.Status(span=self._cover(children), kind=m.StatusKind.PENDING)

    def repealed(self, children: list[Token]) -> m.Status:
        return m.Status(
            span=self._cover(children), kind=m.StatusKind.REPEALED, since=self._date(children[0])
        )

    def enjoined(self, children: list[Any]) -> m.Status:
        case, date, *rest = children
        return m.Status(
            span=self._cover(children),
            kind=m.StatusKind.ENJOINED,
            case=self._text(case),
            since=self._date(date),
            protecting=tuple(rest[0]) if rest else (),
        )

    # ------------------------------------------------------------ court history (also on duties)

    def court(self, children: list[m.CourtEvent | Field | None]) -> Field:
        """A court history: its dated events, and when it was last checked against a docket."""
        events = tuple(child for child in children if isinstance(child, m.CourtEvent))
        reviews = self._fields("court history", [c for c in children if isinstance(c, tuple)])
        return ("court", (events, self._value(reviews, "reviewed")), self._cover(children))

    def reviewed(self, children: list[Token | None]) -> Field:
        date_token = children[0]
        assert date_token is not None  # the grammar requires the date
        rest = children[1:]
        source = next((t for t in rest if t is not None and t.type == "STRING"), None)
        dated = next((t for t in rest if t is not None and t.type == "DATE"), None)
        on = self._date(date_token)
        review = None
        if on is not None:
            review = m.Review(
                span=self._token_span(date_token),
                on=on,
                source=self._text(source) if source is not None else None,
                source_date=self._date(dated) if dated is not None else None,
            )
        return ("reviewed", review, self._cover([c for c in children if c is not None]))

    def court_event(self, children: list[Any]) -> m.CourtEvent | None:
        date_token, kind, case, *rest = children
        date = self._date(date_token)
        if date is None:
            return None
        return m.CourtEvent(
            span=self._token_span(date_token),
            date=date,
            event=kind,
            case=self._text(case),
            protecting=tuple(rest[0]) if rest else (),
        )

    def event_kind(self, children: list[Token]) -> m.CourtEventKind:
        return m.CourtEventKind(" ".join(str(token) for token in children))

    def protecting(self, children: list[list[str]]) -> list[str]:
        return children[0]

    def party_list(self, children: list[Token]) -> list[str]:
        return [self._text(t) if t.type == "STRING" else str(t) for t in children]
