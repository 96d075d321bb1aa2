"""`absence` blocks: a reviewed gap, the law of a jurisdiction has no duty of a category
(as checked on a date)."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field


class AbsenceRules(BuilderBase):
    def absence(self, children: list[Any]) -> m.Absence:
        ident, title, *items = children
        fields = self._fields("absence", items)
        jurisdiction = fields.get("jurisdiction")
        category = fields.get("category")
        return m.Absence(
            span=self._token_span(ident),
            id=str(ident),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            category=category[1] if category else None,
            category_span=category[2] if category else None,
            checked=self._value(fields, "checked"),
            cites=self._value(fields, "cites"),
            note=self._value(fields, "note"),
        )

    def checked(self, children: list[Token]) -> Field:
        return ("checked", self._date(children[0]), self._token_span(children[0]))
