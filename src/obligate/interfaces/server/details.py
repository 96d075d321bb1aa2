"""The lookup answers built from the compiled rule library: a jurisdiction's detail, a
duty's detail, the vocabulary, and the outcome of the latest reload. The routes check that
what is asked for exists before calling these."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from obligate.determination.answer import DeadlineOut, RulebaseOut, citation_out
from obligate.determination.rulebase import RuleBase
from obligate.engine.evaluate import render
from obligate.graph.timeline import Timeline
from obligate.interfaces.server import models
from obligate.interfaces.server.state import ReloadOutcome
from obligate.language import model as m


def _codes(pairs: tuple[tuple[str, Any], ...]) -> list[str]:
    return [code for code, _span in pairs]


def jurisdiction_summary(node: m.Jurisdiction) -> models.JurisdictionSummary:
    return models.JurisdictionSummary(
        code=node.code,
        name=node.name,
        member_of=_codes(node.member_of),
        part_of=_codes(node.part_of),
        party_to=_codes(node.party_to),
    )


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


@functools.lru_cache(maxsize=8)
def _duties_by_place(rulebase: RuleBase) -> dict[str, list[m.Duty]]:
    """Duties by the jurisdiction they are hooked to (their own hooks, or their instrument's
    jurisdiction), built once per rule base."""
    library = rulebase.compiled.library
    places: dict[str, list[m.Duty]] = {}
    for duty in sorted(library.duties.values(), key=lambda d: d.id):
        hooked = {hook.jurisdiction for hook in duty.applies_to}
        if not hooked and duty.cites is not None:
            instrument = library.instruments.get(duty.cites.instrument)
            if instrument is not None and instrument.jurisdiction:
                hooked = {instrument.jurisdiction}
        for place in hooked:
            places.setdefault(place, []).append(duty)
    return places


def jurisdiction_detail(
    rulebase: RuleBase, code: str, day: dt.date, version: RulebaseOut
) -> models.JurisdictionDetail:
    library = rulebase.compiled.library
    node = library.jurisdictions[code]
    graph = rulebase.graph
    reach = list(graph.reach(code))
    inside = set(reach)
    edges = [
        models.Edge(child=child, parent=parent, kind=graph.edge_kind(child, parent))  # type: ignore[arg-type]
        for child in reach
        for parent in graph.graph.successors(child)
        if parent in inside
    ]
    parameters = [
        models.ParameterSettingOut(
            name=setting.name,
            value=_number(setting.value),
            origin=setting.origin,
            since=setting.since.isoformat() if setting.since else None,
            citation=f"{setting.under.instrument} {setting.under.provision}"
            if setting.under
            else None,
        )
        for setting in graph.parameters(code, day).values()
    ]
    instruments = [
        models.NamedRef(id=i.id, title=i.title)
        for i in sorted(library.instruments.values(), key=lambda i: i.id)
        if i.jurisdiction == code
    ]
    duties = [
        models.DutyRef(id=d.id, title=d.title, category=d.category, modality=d.modality.value)
        for d in _duties_by_place(rulebase).get(code, [])
    ]
    return models.JurisdictionDetail(
        rulebase=version,
        code=node.code,
        name=node.name,
        member_of=_codes(node.member_of),
        part_of=_codes(node.part_of),
        party_to=_codes(node.party_to),
        parties=_codes(node.parties),
        note=node.note,
        date=day.isoformat(),
        reach=reach,
        edges=edges,
        parameters=parameters,
        instruments=instruments,
        duties=duties,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def duty_detail(rulebase: RuleBase, duty_id: str, version: RulebaseOut) -> models.DutyDetail:
    library = rulebase.compiled.library
    duty = library.duties[duty_id]
    citation = None
    if duty.cites is not None:
        citation = citation_out(duty.cites, library.instruments.get(duty.cites.instrument))
    status = None
    if duty.status is not None:
        status = models.StatusOut(
            kind=duty.status.kind.value,
            since=_iso(duty.status.since),
            case=duty.status.case,
            protecting=list(duty.status.protecting),
        )
    return models.DutyDetail(
        rulebase=version,
        id=duty.id,
        modality=duty.modality.value,
        title=duty.title,
        category=duty.category,
        citation=citation,
        applies_to=[
            models.HookOut(kind=h.kind, jurisdiction=h.jurisdiction) for h in duty.applies_to
        ],
        when=render(duty.when) if duty.when is not None else None,
        unless=render(duty.unless) if duty.unless is not None else None,
        overrides=_codes(duty.overrides),
        effective=_iso(duty.effective),
        until=_iso(duty.until),
        status=status,
        court=[
            models.CourtEventOut(
                date=e.date.isoformat(),
                event=e.event.value,
                case=e.case,
                protecting=list(e.protecting),
            )
            # the instrument's history with the duty's own, oldest first: most court events
            # are recorded on the instrument, and a duty detail showed none of them
            for e in Timeline.of(duty, library.instruments.get(duty.cites.instrument)).events
        ]
        if duty.cites is not None
        else [],
        deadline=DeadlineOut(
            amount=duty.deadline.amount,
            unit=duty.deadline.unit.value if duty.deadline.unit else None,
            hours=duty.deadline.hours,
            text=duty.deadline.text,
            description=duty.deadline.description,
            kind=duty.deadline.kind.value,
        )
        if duty.deadline
        else None,
        note=duty.note,
        source=duty.span.location,
    )


def vocabulary(rulebase: RuleBase, version: RulebaseOut) -> models.Vocabulary:
    library = rulebase.compiled.library

    def words(table: dict[str, m.VocabularyEntry]) -> list[models.WordOut]:
        return [
            models.WordOut(name=name, description=entry.description)
            for name, entry in sorted(table.items())
        ]

    return models.Vocabulary(
        rulebase=version,
        types=words(library.types),
        features=words(library.features),
        categories=words(library.categories),
        parameters=words(library.parameters),
        facts=[
            models.FactOut(
                subject=subject,
                name=name,
                type=entry.fact_type.value if entry.fact_type else None,
                description=entry.description,
            )
            for (subject, name), entry in sorted(library.facts.items())
        ],
    )


def reload_out(outcome: ReloadOutcome | None) -> models.ReloadOut | None:
    if outcome is None:
        return None
    return models.ReloadOut(
        at=outcome.at.isoformat(timespec="seconds"),
        ok=outcome.ok,
        version=outcome.version,
        seconds=round(outcome.seconds, 4),
        diagnostics=[models.DiagnosticOut(**d.to_dict()) for d in outcome.diagnostics],
        rendered=outcome.rendered,
    )
