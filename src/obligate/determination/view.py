"""The view step: the answer for one class on one date and horizon, with the query's age
and date left as marks (``View.render`` writes them in when an entry's explanation is made:
how the law reaches the query, the conditions that hold, and the duty's standing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from obligate.determination import answer as out
from obligate.determination.classes import DATE_MARK, Candidate, Class
from obligate.determination.entries import Entry, Explainer, citation
from obligate.determination.making import maker
from obligate.determination.period import Period
from obligate.determination.place import Place
from obligate.determination.sections import (
    changes,
    conflicts,
    displacement,
    sections,
    sorted_entries,
)
from obligate.determination.terms import TermIndex
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.graph.timeline import Reading


@dataclass(frozen=True)
class View:
    """An answer with the query's age and date left as marks."""

    rulebase: out.RulebaseOut
    jurisdictions: list[str]
    parameters: dict[str, out.ParameterOut]
    duties: tuple[Entry, ...]
    conditional: tuple[Entry, ...]
    suspended: tuple[Entry, ...]
    upcoming: tuple[Entry, ...]
    displaced: list[out.DisplacedOut]
    conflicts: list[out.ConflictOut]

    def render(self, query: dict[str, Any], age: int | None, date: str) -> out.Determination:
        """The answer for one query of the class: its age and date written in (when its
        entries' explanations are made)."""
        answer: out.Determination = _DETERMINATION.adopt(
            {  # every field, in the model's order
                "query": query,
                "rulebase": self.rulebase,
                "jurisdictions": self.jurisdictions,
                "parameters": self.parameters,
                "duties": [e.render(age, date) for e in self.duties],
                "conditional": [e.render(age, date) for e in self.conditional],
                "suspended": [e.render(age, date) for e in self.suspended],
                "upcoming": [e.render(age, date) for e in self.upcoming],
                "displaced": self.displaced,
                "conflicts": self.conflicts,
            }
        )
        return answer


_DETERMINATION = maker(out.Determination)


class Views:
    """Builds views: sorts a class's candidates into the sections of the answer on a date,
    and assembles their entries (entries.py)."""

    def __init__(
        self,
        graph: JurisdictionGraph,
        terms: TermIndex,
        rulebase: out.RulebaseOut,
        dates: Mapping[str, tuple[dt.date, ...]],
    ) -> None:
        self.rulebase = rulebase
        self.explainer = Explainer(graph, terms, dates)

    def build(
        self,
        place: Place,
        period: Period,
        klass: Class,
        date: dt.date,
        horizon_end: dt.date,
        marks: bool,
    ) -> View:
        """The answer on one date, its duties sorted into sections."""
        if not klass.candidates:
            # No duty in question (most places, for most services): nothing to sort.
            return View(
                self.rulebase, list(place.reach), period.parameters_out, (), (), (), (), [], []
            )
        found = sections(place, klass, date, horizon_end)
        conditional, suspended, upcoming = found.conditional, found.suspended, found.upcoming
        applied, displaced = self._displace(found.applied)
        date_text = DATE_MARK if marks else date.isoformat()

        def entry(
            candidate: Candidate, reading: Reading, kind: type[out.DutyOut], **extra: Any
        ) -> Entry:
            return self.explainer.entry(place, candidate, reading, date, date_text, kind, extra)

        duties = sorted_entries([entry(c, r, out.DutyOut) for c, r in applied])
        conditional_entries = sorted_entries(
            [entry(c, r, out.ConditionalOut, depends_on=d) for c, r, d in conditional]
        )
        suspended_entries = sorted_entries(
            [entry(c, r, out.SuspendedOut, why=why) for c, r, why in suspended]
        )
        upcoming_entries = sorted_entries(
            [
                entry(c, r, out.UpcomingOut, changes=changes(c, date, horizon_end))
                for c, r in upcoming
            ]
        )
        return View(
            rulebase=self.rulebase,
            jurisdictions=list(place.reach),
            parameters=period.parameters_out,
            duties=duties,
            conditional=conditional_entries,
            suspended=suspended_entries,
            upcoming=upcoming_entries,
            displaced=sorted(displaced, key=lambda d: d.id),
            conflicts=conflicts(duties),
        )

    def forget(self) -> None:
        self.explainer.forget()

    def _displace(
        self, applied: list[tuple[Candidate, Reading]]
    ) -> tuple[list[tuple[Candidate, Reading]], list[out.DisplacedOut]]:
        displaced_by = displacement([c.info for c, _r in applied])
        if not displaced_by:
            return applied, []
        kept = [(c, r) for c, r in applied if c.info.duty.id not in displaced_by]
        displaced = [
            out.DisplacedOut(
                id=c.info.duty.id,
                by=displaced_by[c.info.duty.id],
                citation=citation(c.info),
                source=c.info.duty.span.location,
            )
            for c, _r in applied
            if c.info.duty.id in displaced_by
        ]
        return kept, displaced


def echo(service: dict[str, Any], age: int | None, location: str, date: str) -> dict[str, Any]:
    """The query as the answer repeats it (``Query.to_json``)."""
    user: dict[str, Any] = (
        {"location": location} if age is None else {"age": age, "location": location}
    )
    return {"service": service, "user": user, "date": date}
