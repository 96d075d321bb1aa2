"""Duty blocks (`obligation`, `prohibition`, `permission`): what a law requires, of whom
(`applies to`), when, unless what, and which other duties it displaces."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field


class DutyRules(BuilderBase):
    def duty(self, children: list[Any]) -> m.Duty:
        modality, ident, title, *items = children
        fields = self._fields(f"{modality}", items)
        category = fields.get("category")
        return m.Duty(
            span=self._token_span(ident),
            id=str(ident),
            modality=m.Modality(str(modality)),
            title=self._text(title),
            category=category[1] if category else None,
            category_span=category[2] if category else None,
            cites=self._value(fields, "cites"),
            applies_to=tuple(self._value(fields, "applies", ())),
            when=self._value(fields, "when"),
            unless=self._value(fields, "unless"),
            overrides=tuple(self._value(fields, "overrides", ())),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            status=self._value(fields, "status"),
            court=self._value(fields, "court", ((), None))[0],
            court_reviewed=self._value(fields, "court", ((), None))[1],
            deadline=self._value(fields, "deadline"),
            terms=tuple(self._value(fields, "terms", ())),
            note=self._value(fields, "note"),
        )

    def terms(self, children: list[Any]) -> Field:
        return ("terms", children[0], self._cover(children))

    def applies(self, children: list[m.Hook]) -> Field:
        return ("applies", children, self._cover(children))

    def users_in(self, children: list[Token]) -> m.Hook:
        return m.Hook(
            span=self._token_span(children[0]), kind="users_in", jurisdiction=str(children[0])
        )

    def established_in(self, children: list[Token]) -> m.Hook:
        return m.Hook(
            span=self._token_span(children[0]), kind="established_in", jurisdiction=str(children[0])
        )

    def when(self, children: list[Any]) -> Field:
        return ("when", children[0], self._cover(children))

    def unless(self, children: list[Any]) -> Field:
        return ("unless", children[0], self._cover(children))

    def overrides(self, children: list[Any]) -> Field:
        return ("overrides", children[0], self._cover(children))
