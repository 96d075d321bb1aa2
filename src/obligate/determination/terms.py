"""Defined terms: how each law defines the words duties rest on, market by market.

A ``term`` block is one law's definition of a canonical term (``child``, ``csam``). A
market's definitions are those of every jurisdiction whose law reaches it, nearest first (a
user in DE is reached by DE's law and the EU's), that are in force on the date. The glossary
lines markets up per term and says, attribute by attribute, where they differ. A market with
no definition says which: the law was checked and defines nothing (``none:`` in a term
block), or nobody has encoded it yet; the two are never worded alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from obligate.determination.answer import CitationOut, TermOut
from obligate.determination.query import FieldError, QueryError
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.graph.timeline import Timeline
from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean
from obligate.language.resolve import Library

MarketState = Literal["defined", "no definition in this law", "not encoded"]
AttributeScalar = bool | int | float | str

# Readings of the law on a date under which its definitions are listed: a definition in an
# enjoined law is still the law's wording (the status says so); one not yet in force, ended,
# repealed or only pending is not.
_LISTED = ("in_force", "enjoined", "struck_down")
REMEMBERED = 65_536  # (duty, place, day) answers a TermIndex keeps


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GlossaryDefinition(TermOut):
    """One law's definition as the glossary shows it (a ``TermOut`` with its dates)."""

    effective: str | None = None
    until: str | None = None
    note: str | None = None


class MarketTerm(_Model):
    market: str
    state: MarketState
    definitions: list[GlossaryDefinition]  # nearest jurisdiction first


class AttributeDivergence(_Model):
    attribute: str
    values: dict[str, list[AttributeScalar]]  # market -> distinct values ([] = not stated)
    differs: bool  # two markets state different values, or one market states several
    detail: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        """``differs``; ``same`` when every market with a definition states one value; else
        ``partly stated`` (no market contradicts another, but some say nothing)."""
        if self.differs:
            return "differs"
        return "same" if all(self.values.values()) else "partly stated"


class GlossaryTerm(_Model):
    term: str
    meaning: str
    markets: list[MarketTerm]
    divergences: list[AttributeDivergence]


class Glossary(_Model):
    date: str
    markets: list[str]
    terms: list[GlossaryTerm]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# ---------------------------------------------------------------- reading one definition


def _timeline(term: m.Term, instrument: m.Instrument | None) -> Timeline:
    """The term's dates (its own, else its instrument's) and its instrument's standing."""
    return Timeline.build(
        effective=term.effective or (instrument.effective if instrument else None),
        until=term.until or (instrument.until if instrument else None),
        base=instrument.status if instrument else None,
        court=list(instrument.court if instrument else ()),
    )


def attribute_values(library: Library, term: m.Term) -> dict[str, AttributeScalar]:
    """A definition's attributes as typed values, in the vocabulary's order."""
    order = {name: index for index, name in enumerate(library.attributes)}
    values: dict[str, AttributeScalar] = {}
    for value in sorted(term.attributes, key=lambda v: order.get(v.name, len(order))):
        declared = library.attributes.get(value.name)
        kind = declared.attribute_type if declared else None
        if value.kind == "number" and value.number is not None:
            number = value.number
            values[value.name] = int(number) if number == int(number) else number
        elif kind is m.AttributeType.BOOLEAN:
            values[value.name] = value.text == "true"
        else:
            values[value.name] = value.text or ""
    return values


def definition_out(library: Library, term: m.Term, date: dt.date) -> GlossaryDefinition | None:
    """The definition as read on ``date``, or None when its law is not in force then."""
    assert term.cites is not None
    instrument = library.instruments.get(term.cites.instrument)
    timeline = _timeline(term, instrument)
    reading = timeline.reading(date)
    if reading.status not in _LISTED:
        return None
    wording = term.wording
    assert wording is not None
    text = (
        term.quote
        if wording == "quote"
        else term.paraphrase
        if wording == "paraphrase"
        else term.none
    )
    return GlossaryDefinition(
        term=term.name,
        word=term.title,
        jurisdiction=library.term_jurisdiction(term) or "",
        wording=wording,
        text=" ".join((text or "").split()),  # a triple-quoted text's line breaks are layout
        citation=CitationOut(
            instrument=term.cites.instrument,
            instrument_title=instrument.title if instrument else term.cites.instrument,
            provision=term.cites.provision,
            url=term.cites.url or (instrument.url if instrument else None),
        ),
        attributes=attribute_values(library, term),
        status=reading.status,
        source=term.span.location,
        effective=timeline.effective.isoformat() if timeline.effective else None,
        until=timeline.until.isoformat() if timeline.until else None,
        note=term.note,
    )


# ---------------------------------------------------------------- lookups


def definitions_by_place(library: Library) -> dict[tuple[str, str], list[m.Term]]:
    """Term blocks by (term, jurisdiction), in file order."""
    table: dict[tuple[str, str], list[m.Term]] = {}
    for term in library.term_definitions:
        place = library.term_jurisdiction(term)
        if place is not None and term.cites is not None:
            table.setdefault((term.name, place), []).append(term)
    return table


class TermIndex:
    """Definitions by place, built once per library, with the answers a determination asks
    for again and again (a duty's terms in one jurisdiction on one day) remembered."""

    def __init__(self, library: Library, graph: JurisdictionGraph) -> None:
        self.library = library
        self.graph = graph
        self.table = definitions_by_place(library)
        self.by_instrument: dict[str, list[str]] = {}
        for term in library.term_definitions:
            if term.cites is not None:
                names = self.by_instrument.setdefault(term.cites.instrument, [])
                if term.name not in names:
                    names.append(term.name)
        self._for_duty: OrderedDict[tuple[str, str, dt.date], list[TermOut]] = OrderedDict()

    def market(self, term: str, market: str, date: dt.date) -> list[GlossaryDefinition]:
        """Every definition of ``term`` in force on ``date`` in the law that reaches
        ``market``, the nearest jurisdiction first."""
        found: list[GlossaryDefinition] = []
        for place in self.graph.reach(market):
            for block in self.table.get((term, place), ()):
                row = definition_out(self.library, block, date)
                if row is not None:
                    found.append(row)
        return found

    def for_duty(self, duty: m.Duty, jurisdiction: str, date: dt.date) -> list[TermOut]:
        """See ``terms_for_duty``; the same answer, remembered per duty, place and day."""
        key = (duty.id, jurisdiction, date)
        found = self._for_duty.get(key)
        if found is None:
            found = self._duty_terms(duty, jurisdiction, date)
            self._for_duty[key] = found
            if len(self._for_duty) > REMEMBERED:
                self._for_duty.popitem(last=False)  # a long-running server sees many days
        return list(found)

    def _duty_terms(self, duty: m.Duty, jurisdiction: str, date: dt.date) -> list[TermOut]:
        instrument = duty.cites.instrument if duty.cites else None
        if duty.terms:
            names = [name for name, _ in duty.terms]
        else:
            names = list(self.by_instrument.get(instrument or "", ()))
        found: list[TermOut] = []
        for name in names:
            rows = [r for r in self.market(name, jurisdiction, date) if r.wording != "none"]
            own = [row for row in rows if row.citation.instrument == instrument]
            nearest = [row for row in rows if row.jurisdiction == rows[0].jurisdiction]
            for row in own or nearest:
                fields = row.model_dump(include=set(TermOut.model_fields))
                found.append(TermOut.model_validate(fields))
        return found


def market_definitions(
    library: Library, graph: JurisdictionGraph, term: str, market: str, date: dt.date
) -> list[GlossaryDefinition]:
    """Every definition of ``term`` in force on ``date`` in the law that reaches ``market``,
    the nearest jurisdiction first."""
    return TermIndex(library, graph).market(term, market, date)


def market_state(definitions: Sequence[TermOut]) -> MarketState:
    if any(d.wording != "none" for d in definitions):
        return "defined"
    return "no definition in this law" if definitions else "not encoded"


def terms_for_duty(
    library: Library,
    graph: JurisdictionGraph,
    duty: m.Duty,
    jurisdiction: str,
    date: dt.date,
) -> list[TermOut]:
    """The defined terms a duty rests on, as the law of ``jurisdiction`` (the one that reached
    the query) defines them on ``date``.

    The terms are those the duty names in ``terms:``; a duty that names none rests on the
    definitions of its own instrument ("in this Act, 'child' means ..."). For each term the
    duty's own instrument's definition wins; otherwise the nearest jurisdiction's. A
    determiner answering many queries should keep one ``TermIndex`` and call ``for_duty``.
    """
    return TermIndex(library, graph).for_duty(duty, jurisdiction, date)


# ---------------------------------------------------------------- the glossary


def parse_date(value: dt.date | str | None) -> dt.date:
    """A query date (today when none is given); raise ``QueryError`` naming the field."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            [
                FieldError(
                    field="date",
                    value=value,
                    message="not a date",
                    accepted="a calendar date as YYYY-MM-DD, e.g. 2026-06-01",
                )
            ]
        ) from None


def suggest(name: str, known: Iterable[str]) -> str | None:
    """A did-you-mean that also catches two swapped letters (``chidl`` for ``child``)."""
    candidates = list(known)
    found = did_you_mean(name, candidates)
    if found is not None:
        return found
    for index in range(len(name) - 1):
        swapped = name[:index] + name[index + 1] + name[index] + name[index + 2 :]
        if swapped in candidates:
            return f"did you mean `{swapped}`?"
    return None


def check_request(
    library: Library, graph: JurisdictionGraph, terms: Sequence[str], markets: Sequence[str]
) -> None:
    """Raise ``QueryError`` naming each unknown term or market, with what is accepted."""
    errors: list[FieldError] = []
    for name in terms:
        if name not in library.terms:
            errors.append(
                FieldError(
                    field="term",
                    value=name,
                    message="unknown term",
                    accepted=", ".join(sorted(library.terms)),
                    hint=suggest(name, library.terms),
                )
            )
    for market in markets:
        if market not in graph:
            errors.append(
                FieldError(
                    field="markets",
                    value=market,
                    message="unknown jurisdiction",
                    accepted="a jurisdiction code of the rule library (EU, GB, US, US-CA, ...); "
                    "`obligate graph` lists them",
                    hint=suggest(market, graph.nodes),
                )
            )
    if not markets:
        errors.append(
            FieldError(field="markets", message="no market given", accepted="one or more codes")
        )
    if errors:
        raise QueryError(errors)


def default_markets(library: Library) -> list[str]:
    """Every jurisdiction with a definition of its own, sorted."""
    places = {library.term_jurisdiction(t) for t in library.term_definitions}
    return sorted(p for p in places if p is not None)


def glossary(
    library: Library,
    graph: JurisdictionGraph,
    terms: Sequence[str] | None,
    markets: Sequence[str],
    date: dt.date,
) -> Glossary:
    """Each term's definition in each market on ``date``, side by side, with divergences."""
    wanted = list(terms) if terms else list(library.terms)
    check_request(library, graph, wanted, markets)
    index = TermIndex(library, graph)
    lines: list[GlossaryTerm] = []
    for name in wanted:
        rows = [
            MarketTerm(market=market, state=market_state(found), definitions=found)
            for market in markets
            for found in [index.market(name, market, date)]
        ]
        lines.append(
            GlossaryTerm(
                term=name,
                meaning=library.terms[name].description or "",
                markets=rows,
                divergences=divergences(rows, library.attributes),
            )
        )
    return Glossary(date=date.isoformat(), markets=list(markets), terms=lines)


def divergences(
    rows: Sequence[MarketTerm], declared: Iterable[str] = ()
) -> list[AttributeDivergence]:
    """Per attribute any definition states: each market's values, and whether they differ."""
    defined = [row for row in rows if row.state == "defined"]
    order = {name: index for index, name in enumerate(declared)}
    attributes = sorted(
        {name for row in defined for d in row.definitions for name in d.attributes},
        key=lambda name: (order.get(name, len(order)), name),
    )
    found: list[AttributeDivergence] = []
    for attribute in attributes:
        values = {row.market: _values(row, attribute) for row in defined}
        stated = {tuple(v) for v in values.values() if v}
        found.append(
            AttributeDivergence(
                attribute=attribute,
                values=values,
                differs=len(stated) > 1 or any(len(v) > 1 for v in stated),
                detail=_detail(values, len(rows)),
            )
        )
    return found


def _values(row: MarketTerm, attribute: str) -> list[AttributeScalar]:
    distinct: dict[str, AttributeScalar] = {}
    for definition in row.definitions:
        if attribute in definition.attributes:
            value = definition.attributes[attribute]
            distinct.setdefault(f"{type(value).__name__}:{value}", value)
    return sorted(distinct.values(), key=lambda v: (str(type(v)), v))


def shown(value: AttributeScalar) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _detail(values: dict[str, list[AttributeScalar]], market_count: int) -> str:
    groups: dict[str, list[str]] = {}
    for market, found in values.items():
        key = " or ".join(shown(v) for v in found) if found else "not stated"
        groups.setdefault(key, []).append(market)
    stated = [k for k in groups if k != "not stated"]
    if len(stated) == 1 and " or " not in stated[0] and "not stated" not in groups:
        everywhere = "every market" if market_count == len(values) else "every market defining it"
        return f"{stated[0]} in {everywhere} (no divergence)"
    # Groups in the order their first market was asked for; "not stated" last.
    ordered = sorted(groups.items(), key=lambda g: g[0] == "not stated")
    return "; ".join(f"{key} in {', '.join(markets)}" for key, markets in ordered)
