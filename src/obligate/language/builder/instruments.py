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
            court=tuple(self._value(fields, "court", ())),
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

    def court(self, children: list[m.CourtEvent | None]) -> Field:
        events = tuple(event for event in children if event is not None)
        return ("court", events, self._cover(children))

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
