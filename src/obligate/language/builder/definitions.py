"""The blocks that give words a meaning: `definition` (a named condition that duties test
with `service is NAME`) and `term` (a law's defined term, quoted or paraphrased, with its
attributes)."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field


class DefinitionRules(BuilderBase):
    def definition(self, children: list[Any]) -> m.Definition:
        name, title, *items = children
        fields = self._fields("definition", items)
        return m.Definition(
            span=self._token_span(name),
            name=str(name),
            title=self._text(title),
            cites=self._value(fields, "cites"),
            when=self._value(fields, "when"),
            note=self._value(fields, "note"),
        )

    # ------------------------------------------------------------ defined terms

    def term(self, children: list[Any]) -> m.Term:
        name, title, *items = children
        attributes = self._attributes([i for i in items if i[0] == "attribute"])
        fields = self._fields("term", [i for i in items if i[0] != "attribute"])
        jurisdiction = fields.get("jurisdiction")
        return m.Term(
            span=self._token_span(name),
            name=str(name),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            cites=self._value(fields, "cites"),
            quote=self._value(fields, "quote"),
            paraphrase=self._value(fields, "paraphrase"),
            none=self._value(fields, "none"),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            attributes=attributes,
            note=self._value(fields, "note"),
        )

    def _attributes(self, items: list[Field]) -> tuple[m.AttributeValue, ...]:
        seen: dict[str, m.AttributeValue] = {}
        for _, value, span in items:
            if value.name in seen:
                self.diagnostics.error(
                    "E012",
                    f"`{value.name}` is given twice in this term",
                    span,
                    f"the first is at line {seen[value.name].span.line}",
                )
                continue
            seen[value.name] = value
        return tuple(seen.values())

    def quote(self, children: list[Token]) -> Field:
        return ("quote", self._text(children[0]), self._cover(children))

    def paraphrase(self, children: list[Token]) -> Field:
        return ("paraphrase", self._text(children[0]), self._cover(children))

    def no_definition(self, children: list[Token]) -> Field:
        return ("none", self._text(children[0]), self._cover(children))

    def attribute_value(self, children: list[Token]) -> Field:
        name, raw = children
        span, value_span = self._token_span(name), self._token_span(raw)
        if raw.type == "NUMBER":
            value = m.AttributeValue(
                span=span,
                value_span=value_span,
                name=str(name),
                kind="number",
                number=self._number(raw),
            )
        else:
            value = m.AttributeValue(
                span=span,
                value_span=value_span,
                name=str(name),
                kind="text" if raw.type == "STRING" else "name",
                text=self._text(raw) if raw.type == "STRING" else str(raw),
            )
        return ("attribute", value, self._cover(children))
