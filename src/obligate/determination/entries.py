"""A duty's entry in a view: the fields every answer of the view shows, assembled from what is
the same in every answer (a duty's template), and its explanation (reasons, defined terms,
standing, open questions), made only when an answer's entry is first read
(``answer.Pending``) and then kept for every other query of the view."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from obligate.determination import answer as out
from obligate.determination.catalogue import DutyInfo
from obligate.determination.classes import AGE_MARK, DATE_MARK, Candidate
from obligate.determination.making import Maker, make, maker
from obligate.determination.period import iso
from obligate.determination.place import Place
from obligate.determination.questions import questions
from obligate.determination.sections import order_key
from obligate.determination.standing import history, standing_out
from obligate.determination.terms import TermIndex
from obligate.engine.evaluate import number_text
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.graph.timeline import Reading
from obligate.language import model as m


class Explained:
    """An entry's explanation: its reasons (with marks where the query's age and date go),
    and its terms and questions, the same for every query of the view."""

    __slots__ = ("because", "marked", "rest")

    def __init__(self, because: list[str], rest: dict[str, Any]) -> None:
        self.because = tuple(because)
        self.marked = tuple(i for i, text in enumerate(because) if "\x00" in text)
        self.rest = rest


class Entry:
    """One duty of a view, and what its explanation is made from."""

    __slots__ = (
        "fields",
        "order",
        "maker",
        "explainer",
        "candidate",
        "reading",
        "date",
        "date_text",
        "associations",
        "hook_line",
        "_explained",
        "_standing",
        "_standing_pending",
    )

    def __init__(
        self,
        fields: dict[str, Any],
        order: tuple[int, str, str, str],
        kind: type[out.DutyOut],
        explainer: Explainer,
        candidate: Candidate,
        reading: Reading,
        date: dt.date,
        date_text: str,  # the date as reasons show it: a mark in a view that is kept
        associations: tuple[str, ...] | None,
        hook_line: str | None,
    ) -> None:
        self.fields = fields  # every field in order; the explained ones are made later
        self.order = order  # where it goes in its section (sections.order_key)
        self.maker: Maker = maker(kind)
        self.explainer = explainer
        self.candidate = candidate
        self.reading = reading
        self.date = date
        self.date_text = date_text
        self.associations = associations
        self.hook_line = hook_line
        self._explained: Explained | None = None
        self._standing: tuple[out.StandingOut | None] | None = None  # (standing,) once made
        self._standing_pending: out.Pending | None = None

    def render(self, age: int | None, date: str) -> out.DutyOut:
        """The entry as one query's answer shows it, its explanation still to be made."""
        values = dict(self.fields)
        pending = out.Pending(self, age, date)
        values["because"] = values["terms"] = pending
        if "questions" in values:
            values["questions"] = pending
        standing = self._standing_pending
        if standing is None:  # the standing is the same for every query: one for all
            standing = self._standing_pending = out.Pending(_StandingOf(self), None, "")
        values["standing"] = standing
        made: out.DutyOut = self.maker.adopt(values)
        return made

    def standing(self) -> out.StandingOut | None:
        """The duty's standing that day: the same for every query of the view, so kept."""
        made = self._standing
        if made is None:
            reading, associations = self.reading, self.associations
            standing = standing_out(self.candidate.info.timeline, reading, self.date, associations)
            made = self._standing = (standing,)
        return made[0]

    def explanation(self, age: int | None, date: str) -> dict[str, Any]:
        """The explained fields but the standing, for a query of this age on this date."""
        explained = self._explained
        if explained is None:
            # Two threads may both make it: they make the same, and either is kept.
            explained = self._explained = self.explainer.explain(self)
        because = list(explained.because)
        if explained.marked:
            age_text = "" if age is None else number_text(age)
            for index in explained.marked:
                because[index] = because[index].replace(AGE_MARK, age_text).replace(DATE_MARK, date)
        return {"because": because, **explained.rest}


class _StandingOf:
    """What makes an entry's standing alone (``answer.Pending``'s second group)."""

    __slots__ = ("entry",)

    def __init__(self, entry: Entry) -> None:
        self.entry = entry

    def explanation(self, age: int | None, date: str) -> dict[str, Any]:
        return {"standing": self.entry.standing()}


class Explainer:
    """Assembles entries and makes their explanations, remembering what is the same in every
    answer (a duty's fixed fields, the path from a place to a jurisdiction, the line saying
    how the law reaches, a duty's terms between two of its dates)."""

    def __init__(
        self,
        graph: JurisdictionGraph,
        terms: TermIndex,
        dates: Mapping[str, tuple[dt.date, ...]],
    ) -> None:
        self.graph = graph
        self.terms = terms
        self.dates = dates  # duty id -> every date its standing or its terms change on
        # (duty id, jurisdiction, slot among the duty's dates) -> its defined terms
        self._terms: dict[tuple[str, str, int], list[out.TermOut]] = {}
        self._paths: dict[tuple[str, str], list[str]] = {}
        self._hook_lines: dict[tuple[str, str, str], str] = {}
        # (duty id, kind of entry) -> its fields in order, those the same in every answer set
        self._templates: dict[tuple[str, type[out.DutyOut]], dict[str, Any]] = {}

    def forget(self) -> None:
        self._terms = {}

    def entry(
        self,
        place: Place,
        candidate: Candidate,
        reading: Reading,
        date: dt.date,
        date_text: str,
        kind: type[out.DutyOut],
        extra: dict[str, Any],
    ) -> Entry:
        info = candidate.info
        hook = candidate.hook
        via = self._via(hook, place)
        fields = dict(self._template(info, kind))
        jurisdiction = fields["jurisdiction"] = (hook or info.hooks[0]).jurisdiction
        fields["via"] = via
        fields["status"] = reading.status
        if extra:
            fields.update(extra)
        line = None if hook is None else self._hook_line(hook, place, via)
        associations = place.service.get("associations")
        order = order_key(jurisdiction, info, place.order)
        return Entry(
            fields, order, kind, self, candidate, reading, date, date_text, associations, line
        )

    def explain(self, entry: Entry) -> Explained:
        """An entry's reasons, the defined terms it rests on (as the reaching law defines
        them that day: term dates are among the duty's dates, so the whole slot reads the
        same terms) and, when open, its questions (its standing: ``Entry.standing``)."""
        info = entry.candidate.info
        fields = entry.fields
        rest: dict[str, Any] = {
            "terms": self._duty_terms(info.duty, fields["jurisdiction"], entry.date),
        }
        if "depends_on" in fields:
            rest["questions"] = questions(self.terms.library, fields["depends_on"])
        return Explained(self._because(entry), rest)

    def _because(self, entry: Entry) -> list[str]:
        candidate = entry.candidate
        reasons: list[str] = []
        if entry.hook_line is not None:
            reasons.append(entry.hook_line)
        reasons.extend(candidate.when.held)
        if candidate.info.duty.unless is not None and candidate.unless.value is False:
            reasons.append("the exception does not apply: " + "; ".join(candidate.unless.failed))
        if entry.reading.status == "in_force":
            start = candidate.info.timeline.effective
            since = f" (since {start})" if start else ""
            reasons.append(f"in force on {entry.date_text}{since}")
        return reasons

    def _duty_terms(self, duty: m.Duty, jurisdiction: str, date: dt.date) -> list[out.TermOut]:
        """The terms a duty rests on: the same between two of the duty's dates (which hold
        every date a definition enters or leaves force), so remembered per slot, not per
        day as the term index does (every unseen query on a new day missed it)."""
        key = (duty.id, jurisdiction, bisect_right(self.dates[duty.id], date))
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = self.terms.for_duty(duty, jurisdiction, date)
        return list(found)

    def _template(self, info: DutyInfo, kind: type[out.DutyOut]) -> dict[str, Any]:
        """Every field of a duty's entry of one kind, in order, with the values that are
        the same in every answer (the others are filled in per entry)."""
        key = (info.duty.id, kind)
        fields = self._templates.get(key)
        if fields is None:
            fields = self._templates[key] = maker(kind).complete(static_fields(info))
        return fields

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


def static_fields(info: DutyInfo) -> dict[str, Any]:
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
