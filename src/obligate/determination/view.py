"""The view step: the answer for one class on one date and horizon, with the query's age
and date left as marks (``View.render`` writes them in), each duty's entry explained: how
the law reaches the query, the conditions that hold, and the duty's standing."""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from obligate.determination import answer as out
from obligate.determination.catalogue import DutyInfo
from obligate.determination.classes import AGE_MARK, DATE_MARK, Candidate, Class
from obligate.determination.making import Maker, make, maker
from obligate.determination.period import Period, iso
from obligate.determination.place import Place
from obligate.determination.questions import questions
from obligate.determination.sections import (
    changes,
    conflicts,
    displacement,
    sections,
    sorted_entries,
)
from obligate.determination.standing import history, standing_out
from obligate.determination.terms import TermIndex
from obligate.engine.evaluate import number_text
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.graph.timeline import Reading
from obligate.language import model as m


class Explained:
    """What an entry's explanation is made of: its reasons (with marks where the query's age
    and date go), and the terms, standing and questions, the same for every query."""

    __slots__ = ("because", "marked", "rest")

    def __init__(self, because: list[str], rest: dict[str, Any]) -> None:
        self.because = tuple(because)
        self.marked = tuple(i for i, text in enumerate(because) if "\x00" in text)
        self.rest = rest


class Entry:
    """One duty of a view: the fields every answer of the view shows, and how its
    explanation is made (once, when an answer first reads it: see ``answer.Pending``)."""

    __slots__ = ("fields", "maker", "_explain", "_explained")

    def __init__(
        self, fields: dict[str, Any], maker: Maker, explain: Callable[[], Explained]
    ) -> None:
        self.fields = fields  # every field in order; the explained ones are made later
        self.maker = maker
        self._explain = explain
        self._explained: Explained | None = None

    def render(self, age: int | None, date: str) -> out.DutyOut:
        values = dict(self.fields)
        pending = out.Pending(functools.partial(self.explanation, age, date))
        values["because"] = values["terms"] = values["standing"] = pending
        if "questions" in values:
            values["questions"] = pending
        made: out.DutyOut = self.maker.adopt(values)
        return made

    def explanation(self, age: int | None, date: str) -> dict[str, Any]:
        """The explained fields for a query of this age on this date."""
        explained = self._explained
        if explained is None:
            # Two threads may both make it: they make the same, and either is kept.
            explained = self._explained = self._explain()
        because = list(explained.because)
        if explained.marked:
            age_text = "" if age is None else number_text(age)
            for index in explained.marked:
                because[index] = because[index].replace(AGE_MARK, age_text).replace(DATE_MARK, date)
        return {"because": because, **explained.rest}


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
        return make(
            out.Determination,
            {
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
            },
        )


class Views:
    """Builds views, remembering what is the same in every answer (a duty's fixed fields,
    the path from a place to a jurisdiction, the line saying how the law reaches)."""

    def __init__(
        self,
        graph: JurisdictionGraph,
        terms: TermIndex,
        rulebase: out.RulebaseOut,
        dates: Mapping[str, tuple[dt.date, ...]],
    ) -> None:
        self.graph = graph
        self.terms = terms
        self.rulebase = rulebase
        self.dates = dates  # duty id -> every date its standing or its terms change on
        # (duty id, jurisdiction, slot among the duty's dates) -> its defined terms
        self._terms: dict[tuple[str, str, int], list[out.TermOut]] = {}
        self._paths: dict[tuple[str, str], list[str]] = {}
        self._hook_lines: dict[tuple[str, str, str], str] = {}
        # (duty id, kind of entry) -> its fields in order, those the same in every answer set
        self._templates: dict[tuple[str, type[out.DutyOut]], dict[str, Any]] = {}

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
        order = place.order
        associations = place.service.get("associations")

        def entry(
            candidate: Candidate, reading: Reading, kind: type[out.DutyOut], **extra: Any
        ) -> Entry:
            info = candidate.info
            hook = candidate.hook
            jurisdiction = (hook or info.hooks[0]).jurisdiction
            via = self._via(hook, place)
            fields = dict(self._template(info, kind))
            fields["jurisdiction"] = jurisdiction
            fields["via"] = via
            fields["status"] = reading.status
            fields.update(extra)
            line = None if hook is None else self._hook_line(hook, place, via)
            explain = functools.partial(
                self._explanation,
                candidate,
                reading,
                date,
                date_text,
                associations,
                line,
                jurisdiction,
                extra.get("depends_on"),
            )
            return Entry(fields, maker(kind), explain)

        duties = sorted_entries([entry(c, r, out.DutyOut) for c, r in applied], order)
        conditional_entries = sorted_entries(
            [entry(c, r, out.ConditionalOut, depends_on=d) for c, r, d in conditional], order
        )
        suspended_entries = sorted_entries(
            [entry(c, r, out.SuspendedOut, why=why) for c, r, why in suspended], order
        )
        upcoming_entries = sorted_entries(
            [
                entry(c, r, out.UpcomingOut, changes=changes(c, date, horizon_end))
                for c, r in upcoming
            ],
            order,
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
        self._terms = {}

    def _duty_terms(self, duty: m.Duty, jurisdiction: str, date: dt.date) -> list[out.TermOut]:
        """The terms a duty rests on: the same between two of the duty's dates (which hold
        every date a definition enters or leaves force), so remembered per slot, not per
        day as the term index does (every unseen query on a new day missed it)."""
        key = (duty.id, jurisdiction, bisect_right(self.dates[duty.id], date))
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = self.terms.for_duty(duty, jurisdiction, date)
        return list(found)

    def _displace(
        self, applied: list[tuple[Candidate, Reading]]
    ) -> tuple[list[tuple[Candidate, Reading]], list[out.DisplacedOut]]:
        displaced_by = displacement([c.info for c, _r in applied])
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

    def _explanation(
        self,
        candidate: Candidate,
        reading: Reading,
        date: dt.date,
        date_text: str,
        associations: tuple[str, ...] | None,
        hook_line: str | None,
        jurisdiction: str,
        depends_on: list[str] | None,
    ) -> Explained:
        """An entry's reasons, the defined terms it rests on (as the reaching law defines
        them that day: term dates are among the duty's dates, so the whole slot reads the
        same terms), its standing and, when open, its questions."""
        info = candidate.info
        rest: dict[str, Any] = {
            "terms": self._duty_terms(info.duty, jurisdiction, date),
            "standing": standing_out(info.timeline, reading, date, associations),
        }
        if depends_on is not None:
            rest["questions"] = questions(self.terms.library, depends_on)
        return Explained(self._because(candidate, reading, hook_line, date_text), rest)

    def _template(self, info: DutyInfo, kind: type[out.DutyOut]) -> dict[str, Any]:
        """Every field of a duty's entry of one kind, in order, with the values that are
        the same in every answer (the others are filled in per entry)."""
        key = (info.duty.id, kind)
        fields = self._templates.get(key)
        if fields is None:
            fields = self._templates[key] = maker(kind).complete(self._static_fields(info))
        return fields

    def _static_fields(self, info: DutyInfo) -> dict[str, Any]:
        """The fields of a duty's entry that are the same in every answer."""
        duty = info.duty
        deadline = duty.deadline
        return {
            "id": duty.id,
            "modality": duty.modality.value,
            "title": duty.title,
            "category": duty.category or "",
            "citation": citation(info),
            "effective": iso(info.timeline.effective),
            "until": iso(info.timeline.until),
            "deadline": make(
                out.DeadlineOut,
                {
                    "amount": deadline.amount,
                    "unit": deadline.unit.value if deadline.unit else None,
                    "hours": round(deadline.hours, 3) if deadline.hours is not None else None,
                    "text": deadline.text,
                    "description": deadline.description,
                    "kind": deadline.kind.value,
                },
            )
            if deadline
            else None,
            "scope": info.scope,
            "source": duty.span.location,
            "overrides": [t for t, _ in duty.overrides],
            "note": duty.note,
            "history": history(info.timeline),
        }

    def _via(self, hook: m.Hook | None, place: Place) -> list[str]:
        if hook is None:
            return []
        start = place.location if hook.kind == "users_in" else place.established_in
        if not start:
            return []
        key = (start, hook.jurisdiction)
        path = self._paths.get(key)
        if path is None:
            path = self.graph.path(start, hook.jurisdiction)
            self._paths[key] = path
        return path

    def _because(
        self, candidate: Candidate, reading: Reading, hook_line: str | None, date_text: str
    ) -> list[str]:
        reasons: list[str] = []
        if hook_line is not None:
            reasons.append(hook_line)
        reasons.extend(candidate.when.held)
        if candidate.info.duty.unless is not None and candidate.unless.value is False:
            reasons.append("the exception does not apply: " + "; ".join(candidate.unless.failed))
        if reading.status == "in_force":
            start = candidate.info.timeline.effective
            reasons.append(f"in force on {date_text}" + (f" (since {start})" if start else ""))
        return reasons

    def _hook_line(self, hook: m.Hook, place: Place, via: list[str]) -> str:
        start = place.location if hook.kind == "users_in" else place.established_in or ""
        key = (hook.kind, start, hook.jurisdiction)
        line = self._hook_lines.get(key)
        if line is None:
            chain = self._chain(via)
            if hook.kind == "users_in":
                line = (
                    f"the user is located in {start}, which the law of "
                    f"{hook.jurisdiction} reaches{chain}"
                )
            else:
                line = f"the service is established in {start}, within {hook.jurisdiction}{chain}"
            self._hook_lines[key] = line
        return line

    def _chain(self, via: list[str]) -> str:
        if len(via) < 2:
            return ""
        steps = [
            f"{a} {self.graph.edge_kind(a, b)} {b}" for a, b in zip(via, via[1:], strict=False)
        ]
        return " (" + ", ".join(steps) + ")"


def citation(info: DutyInfo) -> out.CitationOut:
    cites = info.duty.cites
    instrument = info.instrument
    assert cites is not None
    return make(
        out.CitationOut,
        {
            "instrument": cites.instrument,
            "instrument_title": instrument.title if instrument else cites.instrument,
            "provision": cites.provision,
            "url": cites.url or (instrument.url if instrument else None),
        },
    )


def echo(service: dict[str, Any], age: int | None, location: str, date: str) -> dict[str, Any]:
    """The query as the answer repeats it (``Query.to_json``)."""
    user: dict[str, Any] = (
        {"location": location} if age is None else {"age": age, "location": location}
    )
    return {"service": service, "user": user, "date": date}
