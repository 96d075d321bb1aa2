"""`jurisdiction` blocks: a place, its edges to the places whose law reaches it, and the
parameters (such as an age of consent) it sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field
from obligate.language.diagnostics import Span


class JurisdictionRules(BuilderBase):
    def jurisdiction(self, children: list[Any]) -> m.Jurisdiction:
        code, title, *items = children
        edges: dict[str, list[tuple[str, Span]]] = {
            "member_of": [],
            "part_of": [],
            "party_to": [],
            "parties": [],
        }
        parameters: list[m.ParameterValue] = []
        note: str | None = None
        for name, value, _span in items:
            if name in edges:
                edges[name].extend(value)
            elif name == "parameter_value":
                parameters.append(value)
            elif name == "note":
                note = value
        return m.Jurisdiction(
            span=self._token_span(code),
            code=str(code),
            name=self._text(title),
            member_of=tuple(edges["member_of"]),
            part_of=tuple(edges["part_of"]),
            party_to=tuple(edges["party_to"]),
            parties=tuple(edges["parties"]),
            parameters=tuple(parameters),
            note=note,
        )

    def _edge(self, name: str, children: list[Any]) -> Field:
        return (name, children[0], self._cover(children))

    def member_of(self, children: list[Any]) -> Field:
        return self._edge("member_of", children)

    def part_of(self, children: list[Any]) -> Field:
        return self._edge("part_of", children)

    def party_to(self, children: list[Any]) -> Field:
        return self._edge("party_to", children)

    def parties(self, children: list[Any]) -> Field:
        return self._edge("parties", children)

    def parameter_value(self, children: list[Any]) -> Field:
        name, number, *rest = children
        since = next((v for k, v in rest if k == "since"), None)
        under = next((v for k, v in rest if k == "under"), None)
        value = m.ParameterValue(
            span=self._token_span(name),
            name=str(name),
            value=self._engine_number(number),
            since=since,
            under=under,
        )
        return ("parameter_value", value, self._cover(children))

    def since(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("since", self._date(children[0]))

    def under(self, children: list[Token]) -> tuple[str, m.Citation]:
        instrument, provision = children
        return (
            "under",
            m.Citation(
                span=self._token_span(instrument),
                instrument=str(instrument),
                provision=self._text(provision),
            ),
        )

    # ------------------------------------------------------------ naming jurisdictions

    def name_list(self, children: list[Token]) -> list[tuple[str, Span]]:
        return [(str(token), self._token_span(token)) for token in children]

    def jurisdiction_ref(self, children: list[Token]) -> Field:
        """`jurisdiction: CODE` in an instrument, a term or an absence."""
        return ("jurisdiction", str(children[0]), self._token_span(children[0]))
