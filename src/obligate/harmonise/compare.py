"""Compare: the categories × markets matrix for one service on one date.

The rule base is asked the same question in every market, once per age band (bands cut at
the age thresholds the law itself uses). Each cell is in exactly one state, so a reader never
mistakes one for another: the market's own law **applies** (with what it requires, prohibits
or permits), it **turns on an open question**, it is encoded but **not applicable** to this
service (each duty with why), a reviewer recorded that the law has **no duty** of the
category, or the library has **not encoded** it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from obligate.determination.answer import (
    CitationOut,
    ConditionalOut,
    Determination,
    DutyOut,
    citation_out,
)
from obligate.determination.rulebase import RuleBase, ServiceLike
from obligate.harmonise.cells import (
    Cell,
    CellAside,
    CellDeadline,
    CellDuty,
    CellParameter,
    CellState,
)
from obligate.harmonise.conflicts import Conflict, conflicts
from obligate.harmonise.markets import (
    AgeBand,
    Enforcement,
    FrozenModel,
    ages_in_words,
    as_date,
    bands_for,
    check_categories,
    check_markets,
    duty_places,
    number,
)
from obligate.harmonise.periods import Period, period_text, strictest
from obligate.language import model as m


class Comparison(FrozenModel):
    version: str
    date: str
    markets: list[str]
    categories: list[str]
    bands: list[AgeBand]
    cells: dict[str, dict[str, Cell]]  # category -> market -> cell
    conflicts: list[Conflict] = []  # see harmonise.conflicts

    def cell(self, category: str, market: str) -> Cell:
        return self.cells[category][market]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def compare(
    rulebase: RuleBase,
    service: ServiceLike,
    markets: Sequence[str],
    date: dt.date | str,
    ages: tuple[int, int] | str | None = None,
    categories: Sequence[str] | None = None,
) -> Comparison:
    """The categories × markets matrix for one service on one date."""
    markets = check_markets(rulebase, markets)
    day = as_date(date)
    bands = bands_for(rulebase, markets, day, ages)
    categories = check_categories(rulebase, categories)
    cells: dict[str, dict[str, Cell]] = {c: {} for c in categories}
    enforcement = Enforcement(rulebase)
    for market in markets:
        answers = [
            (band, rulebase.determine(service, {"age": band.low, "location": market}, day))
            for band in bands
        ]
        for category in categories:
            cells[category][market] = _cell(
                _Market(rulebase, service, market, day, bands, enforcement), category, answers
            )
    return Comparison(
        version=rulebase.version,
        date=day.isoformat(),
        markets=markets,
        categories=categories,
        bands=bands,
        cells=cells,
        conflicts=conflicts(markets, categories, cells),
    )


class _Market:
    """One market of a comparison: what every cell of its column reads."""

    def __init__(
        self,
        rulebase: RuleBase,
        service: ServiceLike,
        market: str,
        day: dt.date,
        bands: list[AgeBand],
        enforcement: Enforcement,
    ) -> None:
        self.rulebase = rulebase
        self.service = service
        self.market = market
        self.day = day
        self.bands = bands
        self.enforcement = enforcement
        # The market's own law: duties whose jurisdiction reaches the market. A duty that
        # binds the service because of where it is established (EU law for an Irish provider)
        # belongs to the column of the law that imposes it, not to every market it serves.
        self.own = set(rulebase.graph.reach(market))

    def encoded(self, category: str) -> list[m.Duty]:
        """The duties of the market's own law in a category, whether or not they apply."""
        return [
            duty for duty, places in _placed(self.rulebase).get(category, []) if places & self.own
        ]

    def why_not(self, duty_id: str) -> str:
        """Why an encoded duty does not apply to this service in this market, in words:
        the explanation for the youngest band (the one most duties protect)."""
        user = {"age": self.bands[0].low, "location": self.market}
        explanation = self.rulebase.explain(duty_id, self.service, user, self.day)
        return why_not_text(explanation.outcome, explanation.words or explanation.reasons)


_PLACED: dict[str, dict[str, list[tuple[m.Duty, set[str]]]]] = {}


def _placed(rulebase: RuleBase) -> dict[str, list[tuple[m.Duty, set[str]]]]:
    """Each category's duties with the places whose law they are, read once per library."""
    found = _PLACED.get(rulebase.version)
    if found is None:
        found = {}
        for duty in rulebase.duties.values():
            found.setdefault(duty.category or "", []).append((duty, duty_places(rulebase, duty)))
        _PLACED.clear()  # one library at a time: a reloaded library replaces the last
        _PLACED[rulebase.version] = found
    return found


def why_not_text(outcome: str, reasons: list[str]) -> str:
    """The reasons an explanation gives against a duty, without the ones that held."""
    against = [
        r
        for r in reasons
        if r.startswith(
            ("the condition does not hold", "the exception applies", "not ", "no ", "territorial")
        )
        or (
            not r.startswith("standing:")  # the dates say it already
            and ("not yet" in r or "takes effect" in r or "ended" in r or "displaced" in r)
        )
    ]
    chosen = against or reasons[-1:]
    text = "; ".join(chosen)
    return text if outcome == "does_not_apply" else f"{outcome.replace('_', ' ')}: {text}"


def _cell(place: _Market, category: str, answers: list[tuple[AgeBand, Determination]]) -> Cell:
    applying: dict[str, tuple[DutyOut, list[AgeBand]]] = {}
    conditional: dict[str, CellAside] = {}
    suspended: dict[str, CellAside] = {}
    own = place.own
    for band, answer in answers:
        for duty in answer.duties:
            if duty.category == category and duty.jurisdiction in own:
                applying.setdefault(duty.id, (duty, []))[1].append(band)
        for entry in answer.conditional:
            if entry.category == category and entry.jurisdiction in own:
                conditional.setdefault(entry.id, _aside(entry, open_why(entry)))
        for held in answer.suspended:
            if held.category == category and held.jurisdiction in own:
                suspended.setdefault(held.id, _aside(held, standing_text(held) or held.why.detail))
    for duty_id in applying:
        conditional.pop(duty_id, None)
        suspended.pop(duty_id, None)
    duties = [
        _cell_duty(duty, found, place.bands, place.enforcement) for duty, found in applying.values()
    ]
    duties.sort(key=lambda d: (d.modality, d.id))
    seen = set(applying) | set(conditional) | set(suspended)
    not_applicable = [
        CellAside(
            id=duty.id,
            modality=duty.modality.value,
            title=duty.title,
            citation=_citation(place.rulebase, duty),
            why=place.why_not(duty.id),
        )
        for duty in sorted(place.encoded(category), key=lambda d: d.id)
        if duty.id not in seen
    ]
    absence = None
    if not duties and not conditional and not suspended and not not_applicable:
        absence = _absence(place.rulebase, place.market, category, place.day)
    state = _state(bool(duties), bool(conditional), bool(suspended or not_applicable), absence)
    kinds = strictest(
        Period(d.deadline.kind, d.deadline.hours, d.deadline, d.id, place.market)
        for d in duties
        if d.deadline and d.deadline.hours is not None
    )
    limit = kinds.get("time limit")
    return Cell(
        market=place.market,
        category=category,
        state=state,
        duties=duties,
        modalities=sorted({d.modality for d in duties}),
        conditional=sorted(conditional),
        suspended=sorted(suspended),
        parameters=_parameters(place.rulebase, place.market, [d.id for d in duties], place.day),
        shortest_deadline_hours=limit.hours if limit else None,
        absence=absence,
        open=[conditional[k] for k in sorted(conditional)],
        suspended_why=[suspended[k] for k in sorted(suspended)],
        not_applicable=not_applicable,
        deadlines=[
            CellDeadline(kind=k, hours=p.hours, text=period_text(p.deadline), duty=p.duty)
            for k, p in kinds.items()
        ],
    )


def _state(applies: bool, open_duties: bool, encoded: bool, absence: str | None) -> CellState:
    """The one state of a cell, strongest first: what applies outranks an open question,
    which outranks law that is encoded but does not apply; only a cell with no encoded duty
    at all can say "no duty in this law" (a reviewed absence) or "not encoded"."""
    if applies:
        return "applies"
    if open_duties:
        return "conditional"  # a duty turns on facts the query left out
    if encoded:
        return "not applicable"
    return "no duty in this law" if absence is not None else "not encoded"


def open_why(duty: ConditionalOut) -> str:
    """A conditional duty's open questions, each with the values it accepts."""
    if not duty.questions:
        return "open question: depends on " + ", ".join(duty.depends_on)
    return " ".join(f"{q.question} ({q.accepted})" for q in duty.questions)


def standing_text(duty: DutyOut) -> str:
    return duty.standing.text if duty.standing else duty.status.replace("_", " ")


def _aside(entry: DutyOut, why: str) -> CellAside:
    return CellAside(
        id=entry.id, modality=entry.modality, title=entry.title, citation=entry.citation, why=why
    )


def _citation(rulebase: RuleBase, duty: m.Duty) -> CitationOut:
    assert duty.cites is not None  # the checks require a citation on every duty
    return citation_out(duty.cites, rulebase.instruments.get(duty.cites.instrument))


def _cell_duty(
    duty: DutyOut, found: list[AgeBand], bands: list[AgeBand], enforcement: Enforcement
) -> CellDuty:
    return CellDuty(
        id=duty.id,
        enforcement=enforcement.line(duty.citation.instrument),
        modality=duty.modality,
        title=duty.title,
        jurisdiction=duty.jurisdiction,
        citation=duty.citation,
        ages=ages_in_words(found, bands, duty.scope),
        bands=[b.label for b in found],
        deadline=duty.deadline,
        status=duty.status,
        source=duty.source,
        standing=standing_text(duty),
    )


def _absence(rulebase: RuleBase, market: str, category: str, day: dt.date) -> str | None:
    """An absence holds for a market when the market itself, and every place above it whose
    law imposes platform duties in the library, was reviewed for this category (treaties
    that bind only states do not count)."""
    with_duties = {
        place for placed in _placed(rulebase).values() for _, places in placed for place in places
    }
    reviewed = {
        (a.jurisdiction, a.category): a.id
        for a in rulebase.absences.values()
        if a.checked is not None and a.checked <= day
    }
    places = [p for p in rulebase.graph.reach(market) if p in with_duties or p == market]
    found = [reviewed.get((p, category)) for p in places]
    if found and all(found):
        return ", ".join(a for a in found if a)
    return None


def _parameters(
    rulebase: RuleBase, market: str, duty_ids: list[str], day: dt.date
) -> list[CellParameter]:
    """The parameters the cell's duties compare with, as the market sets them on the day."""
    from obligate.language.resolve import walk

    names: set[str] = set()
    for duty_id in duty_ids:
        duty = rulebase.duties[duty_id]
        for condition in (duty.when, duty.unless):
            for leaf in walk(condition) if condition is not None else ():
                if isinstance(leaf, m.Compare):
                    names.update(
                        o.name for o in (leaf.left, leaf.right) if isinstance(o, m.ParamRef)
                    )
    settings = rulebase.graph.parameters(market, day)
    return [
        CellParameter(name=n, value=number(settings[n].value), origin=settings[n].origin)
        for n in sorted(names)
        if n in settings
    ]
