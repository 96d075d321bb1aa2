"""Determination: the duties that apply to a query, with reasons, sources and open questions.

durable-rules decides which conditions hold on the known facts (engine.py); the three-valued
evaluator explains them and finds the conditions that turn on facts the query left out;
time, legal status, territorial reach and overrides are read here.

Speed comes from answer classes. Most of an answer does not depend on the exact query: two
users of one service in one place, whose ages compare alike with every age the rules name,
on two dates between which none of the duties in question changes, get the same duties for
the same reasons. So an answer is built in four steps, each remembered:

    place   the service's facts and the user's location (reach, flags for the engine)
    period  + the parameters in force on the date (they change on few dates)
    class   + the user's age band: durable-rules fires, the candidates are explained
    view    + where the date falls among the dates the candidates change on, and the
            horizon: the answer itself, with marks where the query's age and date go

and a query of a class seen before only fills the marks in (``_View.render``). batch.py needs
only which duties apply: ``summary`` stops at the rules durable-rules fired (``_Firing``) and
their timelines, and explains nothing. Without the cache (``cache=False``) the same steps
run from scratch with the real age and date written in, and every duty in reach is offered
to the evaluator: tests check the two agree byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from obligate.determination import answer as out
from obligate.determination.query import Query
from obligate.determination.terms import TermIndex
from obligate.engine.evaluate import NEVER, Evaluator, Facts, Outcome, number_text
from obligate.engine.rules import (
    AGE,
    Engine,
    Normaliser,
    RulePlan,
    conjoin,
    safe,
)
from obligate.graph.jurisdictions import JurisdictionGraph, ParameterSetting
from obligate.graph.timeline import Reading, Timeline, protects
from obligate.language import model as m
from obligate.language.compiler import Compiled
from obligate.language.resolve import Library
from obligate.memory import collector_paused

DEFAULT_HORIZON_DAYS = 365
# Exact answers kept (a repeat costs a dictionary lookup; any other query of a class met
# before costs little more, so few need keeping).
ANSWER_CACHE_SIZE = 4_096
# Bound on each level of the answer-class cache (places, periods, classes, views).
CLASS_CACHE_SIZE = 50_000
# Bound on what the class cache holds, in duties explained (a candidate or an answer entry,
# about a kilobyte each); past it the cache starts again empty. A duty that only counts
# towards which duties apply (batch.py) costs a tenth of that.
CACHE_BUDGET = 200_000
# Marks left in the reasons of a cached answer, filled in per query. Rule files are text and
# cannot hold a NUL character, so a mark never collides with a rule's own words.
AGE_MARK = "\x00age\x00"
DATE_MARK = "\x00date\x00"
USER_AGE = "user.age"
_AGE_SHOWN_AS_MARK = {USER_AGE: AGE_MARK}

Band = tuple[int, bool] | None
Model = TypeVar("Model", bound=BaseModel)


class InternalError(RuntimeError):
    """The engine and the evaluator disagree: a bug in obligate, never in the query."""


@dataclass(frozen=True)
class DutyInfo:
    duty: m.Duty
    instrument: m.Instrument | None
    timeline: Timeline
    hooks: tuple[m.Hook, ...]
    scope: str
    positions: tuple[int, ...]
    condition: m.Condition | None


@dataclass(frozen=True)
class Candidate:
    """A duty in reach, explained on the known facts (the date is read later)."""

    info: DutyInfo
    hook: m.Hook | None  # the hook that reached the query (None: unknown)
    when: Outcome
    unless: Outcome


# ---------------------------------------------------------------- answer classes


@dataclass(frozen=True)
class _Location:
    """Where the user is: whose law reaches it."""

    code: str
    reach: tuple[str, ...]
    flat: dict[str, Any]
    parameter_dates: tuple[dt.date, ...]
    hook_rank: dict[tuple[str, str], int]
    order: dict[str, int]


@dataclass(frozen=True)
class _Establishment:
    """Where the service is established (None: the query does not say)."""

    code: str | None
    reach: frozenset[str] | None
    flat: dict[str, Any]
    hooks: tuple[tuple[str, str], ...]


@dataclass
class _Place:
    """What holds for one service at one location, whatever the age and the date."""

    service: dict[str, Any]
    location: str
    established_in: str | None
    reach: tuple[str, ...]
    established_reach: frozenset[str] | None
    flat: dict[str, Any]  # the engine's attributes that do not depend on age or date
    parameter_dates: tuple[dt.date, ...]  # the dates the parameters here change on
    hook_rank: dict[tuple[str, str], int]  # the hooks that reach the query, nearest first
    echo: dict[str, Any]  # the query's service, as the answer repeats it
    order: dict[str, int]  # jurisdiction -> its place in the reach
    periods: dict[int, _Period] = field(default_factory=dict)


@dataclass
class _Period:
    """A place between two parameter changes."""

    parameters: dict[str, ParameterSetting]
    parameters_out: dict[str, out.ParameterOut]
    flat: dict[str, Any]
    thresholds: tuple[float, ...]  # every value the rules compare the user's age with
    open_duties: dict[bool, frozenset[str]] = field(default_factory=dict)
    classes: dict[Band, _Class] = field(default_factory=dict)
    firings: dict[Band, _Firing] = field(default_factory=dict)


@dataclass
class _Firing:
    """A period and an age band, only as far as which duties apply (batch.py)."""

    held: list[tuple[DutyInfo, m.Hook]]  # the duties whose conditions hold, nearest hook
    dates: tuple[dt.date, ...]  # every date on which one of them changes standing
    summaries: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)


@dataclass
class _Class:
    """A period and an age band: the duties in question, explained."""

    candidates: list[Candidate]
    dates: tuple[dt.date, ...]  # every date on which a candidate's standing changes
    views: dict[tuple[int, int], _View] = field(default_factory=dict)


@dataclass(frozen=True)
class _Entry:
    """One duty of an answer: ready, or a template whose reasons carry marks."""

    fields: dict[str, Any]  # every field in order, ``because`` with its marks
    given: frozenset[str]
    because: tuple[str, ...]
    marked: tuple[int, ...]  # positions in ``because`` that hold a mark
    maker: _Maker
    ready: out.DutyOut | None

    def render(self, age: str, date: str) -> out.DutyOut:
        if self.ready is not None:
            return self.ready
        because = list(self.because)
        for index in self.marked:
            because[index] = because[index].replace(AGE_MARK, age).replace(DATE_MARK, date)
        made: out.DutyOut = self.maker.build(self.fields, self.given, because=because)
        return made


@dataclass(frozen=True)
class _View:
    """An answer with the query's age and date left as marks."""

    rulebase: out.RulebaseOut
    jurisdictions: list[str]
    parameters: dict[str, out.ParameterOut]
    duties: tuple[_Entry, ...]
    conditional: tuple[_Entry, ...]
    suspended: tuple[_Entry, ...]
    upcoming: tuple[_Entry, ...]
    displaced: list[out.DisplacedOut]
    conflicts: list[out.ConflictOut]
    marked: bool = False  # some entry's reasons carry the query's age or date

    def render(self, query: dict[str, Any], age: int | None, date: str) -> out.Determination:
        """The answer for one query of the class: its age and date written in."""
        age_text = "" if age is None or not self.marked else number_text(age)
        return _make(
            out.Determination,
            {
                "query": query,
                "rulebase": self.rulebase,
                "jurisdictions": self.jurisdictions,
                "parameters": self.parameters,
                "duties": [e.render(age_text, date) for e in self.duties],
                "conditional": [e.render(age_text, date) for e in self.conditional],
                "suspended": [e.render(age_text, date) for e in self.suspended],
                "upcoming": [e.render(age_text, date) for e in self.upcoming],
                "displaced": self.displaced,
                "conflicts": self.conflicts,
            },
        )


class Determiner:
    def __init__(self, compiled: Compiled, cache: bool = True, verify: bool = False) -> None:
        # Building allocates a few hundred thousand objects that all live as long as the
        # rule base; the cyclic collector would scan the whole heap again and again while
        # they are made and free nothing (a third of the build of 10,000 duties).
        with collector_paused():
            self._build(compiled, cache, verify)

    def _build(self, compiled: Compiled, cache: bool, verify: bool) -> None:
        self.cache = cache
        # verify: evaluate every duty in reach and check the engine against the evaluator
        # (tests); otherwise a duty the engine did not fire, on known facts, is skipped.
        self.verify = verify
        self._answers: dict[tuple[Any, ...], out.Determination] = {}
        self._places: dict[tuple[str, str], _Place] = {}
        self._held = 0.0  # what the class cache holds (CACHE_BUDGET)
        self._locations: dict[str, _Location] = {}
        self._establishments: dict[str | None, _Establishment] = {}
        self._lock = threading.Lock()
        library = compiled.library
        self.library = library
        self.version = compiled.version
        self.graph = JurisdictionGraph(library.jurisdictions.values())
        self.evaluator = Evaluator(library)
        self.duties = {
            d.id: self._info(d) for d in sorted(library.duties.values(), key=lambda d: d.id)
        }
        self.reads = {d: self._reads(info.condition) for d, info in self.duties.items()}
        self.plan, duty_rules = self._plan()
        self.engine = Engine.shared(f"obligate-{self.version}", self.plan, duty_rules)
        self.by_hook: dict[tuple[str, str], list[str]] = defaultdict(list)
        for info in self.duties.values():
            for hook in info.hooks:
                self.by_hook[(hook.kind, hook.jurisdiction)].append(info.duty.id)
        self._rulebase = out.RulebaseOut(version=self.version, rules=len(self.duties))
        self._by_position: dict[int, list[str]] = defaultdict(list)
        for duty_id, info in self.duties.items():
            for position in info.positions:
                self._by_position[position].append(duty_id)
        self._by_read: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
        for duty_id, reads in self.reads.items():
            for read in reads:
                self._by_read[read].append(duty_id)
        self._established_duties = sorted(
            {
                d
                for (kind, _code), ids in self.by_hook.items()
                if kind == "established_in"
                for d in ids
            }
        )
        self._flags = _FlagAttributes(self.plan)
        self._age_partners = self.engine._age_partners
        self._age_constants = self.engine._age_constants
        self._paths: dict[tuple[str, str], list[str]] = {}
        self._hook_lines: dict[tuple[str, str, str], str] = {}
        self._statics: dict[str, dict[str, Any]] = {}
        self._terms = TermIndex(library, self.graph)
        term_dates = _term_dates(library)
        self._dates = {
            d: _timeline_dates(info.timeline) | term_dates for d, info in self.duties.items()
        }

    # ------------------------------------------------------------ build

    def _info(self, duty: m.Duty) -> DutyInfo:
        instrument = self.library.instruments.get(duty.cites.instrument) if duty.cites else None
        hooks = duty.applies_to
        if not hooks and instrument and instrument.jurisdiction:
            hooks = (m.Hook(span=duty.span, kind="users_in", jurisdiction=instrument.jurisdiction),)
        condition = _combined(duty)
        reads_age = any(
            isinstance(leaf, m.Compare)
            and any(
                isinstance(o, m.FactRef) and o.subject == "user" and o.name == "age"
                for o in (leaf.left, leaf.right)
            )
            for leaf in _leaves(condition)
        )
        return DutyInfo(
            duty,
            instrument,
            Timeline.of(duty, instrument),
            hooks,
            "user" if reads_age else "service",
            (),
            condition,
        )

    def _plan(self) -> tuple[RulePlan, list[int]]:
        normaliser = Normaliser(self.library)
        plan = RulePlan()
        for name, definition in sorted(self.library.definitions.items()):
            for positive in (True, False):
                for rule in normaliser.alternatives(definition.when, positive):
                    position = plan.add(rule)
                    plan.definition_rules.setdefault(position, []).append((name, positive))
        duty_rules: list[int] = []
        for duty_id, info in self.duties.items():
            positions: list[int] = []
            for derived, expression in normaliser.alternatives(info.condition):
                for hook in info.hooks:
                    flag = ("lit", ("attr", _hook_attribute(hook), "==", True))
                    positions.append(plan.add((derived, conjoin((expression, flag)))))
            duty_rules.extend(positions)
            self.duties[duty_id] = DutyInfo(
                info.duty,
                info.instrument,
                info.timeline,
                info.hooks,
                info.scope,
                tuple(sorted(set(positions))),
                info.condition,
            )
        return plan, duty_rules

    # ------------------------------------------------------------ facts

    def facts(self, query: Query) -> tuple[Facts, tuple[str, ...]]:
        service = _service_facts(query)
        user = query.user.model_dump(exclude_none=True)
        reach = self.graph.reach(query.user.location)
        established = query.service.established_in
        established_reach = frozenset(self.graph.reach(established)) if established else None
        parameters = self.graph.parameters(query.user.location, query.date)
        return Facts(service, user, parameters, established_reach), reach

    def flatten(self, facts: Facts, reach: Iterable[str]) -> dict[str, Any]:
        """The query as one flat durable-rules fact (only attributes some rule reads)."""
        flat = self._flat_service(facts.service)
        flat.update(self._flat_location(tuple(reach)))
        flat.update(self._flat_established(facts.established_reach))
        flat.update(self._flat_parameters(facts.parameters))
        age = facts.user.get("age")
        if age is not None and AGE in self.plan.attributes:
            flat[AGE] = age
        return flat

    # A flag that is false is left out of a fact unless some rule asks for it to be false:
    # the fewer attributes a fact has, the less durable-rules spends matching it and
    # handing it to actions.

    def _flat_service(self, service: Mapping[str, Any]) -> dict[str, Any]:
        """The engine's attributes for a service's facts (not where it is established)."""
        flags = self._flags
        flat: dict[str, Any] = {}
        for name, value in service.items():
            if name in ("types", "features"):
                flags.set_members(flat, "t_" if name == "types" else "f_", value)
                continue
            if name == "established_in":
                continue  # _flat_established
            attr = f"s_{safe(name)}"
            if isinstance(value, dict):
                for code, count in value.items():
                    flags.put(flat, f"{attr}__{safe(code)}", count)
            elif isinstance(value, tuple):
                flags.set_members(flat, f"{attr}__has_", value)
            else:
                flags.put(flat, attr, value)
        return flat

    def _flat_location(self, reach: tuple[str, ...]) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        self._flags.set_members(flat, "u_location__in_", reach)
        for code in reach:
            self._flags.put(flat, f"r_{safe(code)}", True)
        return flat

    def _flat_established(self, established_reach: frozenset[str] | None) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        if established_reach is not None:
            self._flags.set_members(flat, "s_established_in__in_", established_reach)
            for code in established_reach:
                self._flags.put(flat, f"e_{safe(code)}", True)
        return flat

    def _flat_parameters(self, parameters: Mapping[str, ParameterSetting]) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for name, setting in parameters.items():
            self._flags.put(flat, f"p_{safe(name)}", setting.value)
        return flat

    # ------------------------------------------------------------ determine

    def determine(
        self, query: Query, horizon_days: int = DEFAULT_HORIZON_DAYS
    ) -> out.Determination:
        """The answer for one query. Answers are immutable and depend only on the query and
        the rule base, so a query asked before is answered from memory, and a query of an
        answer class met before only has its age and date written into the class's answer."""
        if not self.cache:
            return self._determine(query, horizon_days)
        service_key = query.service.model_dump_json()
        user = query.user
        key = (service_key, user.location, user.age, query.date, horizon_days)
        answer = self._answers.get(key)
        if answer is None:
            place, view = self._view(service_key, query, horizon_days)
            date = query.date.isoformat()
            answer = view.render(_echo(place.echo, user.age, user.location, date), user.age, date)
            self._keep(self._answers, key, answer, ANSWER_CACHE_SIZE)
        return answer

    def summary(self, query: Query) -> tuple[list[str], list[str]]:
        """The ids of the duties that apply, in the answer's order, and their categories
        (sorted, each once), without building the answer: batch.py asks this once per
        answer class."""
        place = self._place(query.service.model_dump_json(), query)
        period = self._period(place, query.date)
        band = _band(period.thresholds, query.user.age)
        firing = period.firings.get(band)
        if firing is None:
            firing = self._firing(place, period, query.user.age)
            self._keep(period.firings, band, firing)
            self._spend(len(firing.held) / 10)
        slot = bisect_right(firing.dates, query.date)
        found = firing.summaries.get(slot)
        if found is None:
            associations = place.service.get("associations")
            applied = [
                (info, hook)
                for info, hook in firing.held
                if _standing(info.timeline.reading(query.date), associations) == "binding"
            ]
            displaced = _displacement([info for info, _hook in applied])
            applied = [(i, h) for i, h in applied if i.duty.id not in displaced]
            applied.sort(key=lambda pair: _order_key(pair[1].jurisdiction, pair[0], place.order))
            found = (
                [info.duty.id for info, _hook in applied],
                sorted({info.duty.category or "" for info, _hook in applied}),
            )
            self._keep(firing.summaries, slot, found)
        return found

    def _firing(self, place: _Place, period: _Period, age: int | None) -> _Firing:
        """The duties whose conditions hold on the known facts, as durable-rules finds them:
        what applies needs no more than these, their hooks and their timelines."""
        flat = dict(period.flat)
        if age is not None and AGE in self.plan.attributes:
            flat[AGE] = age
        fired = self.engine.fire(flat) if self.cache else self.engine.fire_uncached(flat)
        held: list[tuple[DutyInfo, m.Hook]] = []
        dates: set[dt.date] = set()
        for duty_id in sorted({d for p in fired for d in self._by_position.get(p, ())}):
            info = self.duties[duty_id]
            hook = _nearest_hook(info, place.hook_rank)
            if hook is not None:  # a rule fires only through a hook that reaches the query
                held.append((info, hook))
                dates.update(self._dates[duty_id])
        return _Firing(held, tuple(sorted(dates)))

    def answer_class(
        self, query: Query, horizon_days: int = DEFAULT_HORIZON_DAYS
    ) -> tuple[Any, ...]:
        """The key of the query's answer class: two queries with equal keys get the same
        answer but for the age and the date written into it. (Working it out runs the
        rules for the class, as answering would.)"""
        service_key = query.service.model_dump_json()
        place = self._place(service_key, query)
        period = self._period(place, query.date)
        klass = self._class_of(place, period, query.user.age)
        end = _horizon_end(query.date, horizon_days)
        return (
            service_key,
            place.location,
            bisect_right(place.parameter_dates, query.date),
            _band(period.thresholds, query.user.age),
            bisect_right(klass.dates, query.date),
            bisect_right(klass.dates, end),
        )

    def age_thresholds(self, query: Query) -> tuple[float, ...]:
        """Every value the rules compare the user's age with, for this query's service,
        place and date: ages that fall alike between them share an answer class."""
        service_key = query.service.model_dump_json()
        place = self._place(service_key, query)
        return self._period(place, query.date).thresholds

    def forget(self) -> None:
        """Empty every cache (benchmarks measure unseen answer classes after this)."""
        with self._lock:
            self._answers.clear()
            self._places.clear()
            self._held = 0.0
            self._locations.clear()
            self._establishments.clear()
        self.engine.forget()

    def _keep(
        self, cache: dict[Any, Any], key: Any, value: Any, size: int = CLASS_CACHE_SIZE
    ) -> None:
        """Remember a value, forgetting the oldest when the cache is full.

        Under one lock: evicting iterates the dictionary, which another thread's insert
        would otherwise change under it."""
        with self._lock:
            if len(cache) >= size:
                cache.pop(next(iter(cache)), None)
            cache[key] = value

    def _view(self, service_key: str, query: Query, horizon_days: int) -> tuple[_Place, _View]:
        place = self._place(service_key, query)
        period = self._period(place, query.date)
        age = query.user.age
        klass = self._class_of(place, period, age)
        end = _horizon_end(query.date, horizon_days)
        slot = (bisect_right(klass.dates, query.date), bisect_right(klass.dates, end))
        view = klass.views.get(slot)
        if view is None:
            view = self._build_view(place, period, klass, query.date, end, marks=True)
            self._keep(klass.views, slot, view)
            self._spend(len(view.duties) + len(view.conditional) + len(view.upcoming))
        return place, view

    def _spend(self, held: float) -> None:
        """Count duties held by the class cache; past the budget, empty it."""
        self._held += held
        if self._held > CACHE_BUDGET:
            with self._lock:
                self._places.clear()
                self._held = 0.0

    def _class_of(self, place: _Place, period: _Period, age: int | None) -> _Class:
        band = _band(period.thresholds, age)
        klass = period.classes.get(band)
        if klass is None:
            klass = self._class(place, period, age, marks=True)
            self._keep(period.classes, band, klass)
            self._spend(len(klass.candidates))
        return klass

    def _determine(self, query: Query, horizon_days: int) -> out.Determination:
        """The answer from scratch, the age and date written straight into the reasons."""
        place = self._new_place(query)
        period = self._new_period(place, query.date)
        klass = self._class(place, period, query.user.age, marks=False)
        end = _horizon_end(query.date, horizon_days)
        view = self._build_view(place, period, klass, query.date, end, marks=False)
        return view.render(query.to_json(), None, "")

    # ------------------------------------------------------------ the four steps

    def _place(self, service_key: str, query: Query) -> _Place:
        key = (service_key, query.user.location)
        place = self._places.get(key)
        if place is None:
            place = self._new_place(query)
            self._keep(self._places, key, place)
        return place

    def _new_place(self, query: Query) -> _Place:
        service = _service_facts(query)
        location = self._location(query.user.location)
        established = self._establishment(query.service.established_in)
        rank = location.hook_rank
        if established.hooks:
            rank = dict(rank)
            for key in established.hooks:
                rank[key] = len(rank)
        return _Place(
            service=service,
            location=location.code,
            established_in=established.code,
            reach=location.reach,
            established_reach=established.reach,
            flat={**self._flat_service(service), **location.flat, **established.flat},
            parameter_dates=location.parameter_dates,
            hook_rank=rank,
            echo={k: list(v) if isinstance(v, tuple) else v for k, v in sorted(service.items())},
            order=location.order,
        )

    def _location(self, code: str) -> _Location:
        location = self._locations.get(code)
        if location is None:
            reach = self.graph.reach(code)
            location = _Location(
                code=code,
                reach=reach,
                flat=self._flat_location(reach),
                parameter_dates=self._parameter_dates(reach),
                hook_rank={("users_in", c): rank for rank, c in enumerate(reach)},
                order={c: rank for rank, c in enumerate(reach)},
            )
            self._keep(self._locations, code, location)
        return location

    def _establishment(self, code: str | None) -> _Establishment:
        established = self._establishments.get(code)
        if established is None:
            reach = frozenset(self.graph.reach(code)) if code else None
            established = _Establishment(
                code=code,
                reach=reach,
                flat=self._flat_established(reach),
                hooks=tuple(("established_in", c) for c in sorted(reach or ())),
            )
            self._keep(self._establishments, code, established)
        return established

    def _parameter_dates(self, reach: Iterable[str]) -> tuple[dt.date, ...]:
        dates = {
            value.since
            for code in reach
            for value in self.graph.nodes[code].parameters
            if value.since is not None
        }
        return tuple(sorted(dates))

    def _period(self, place: _Place, date: dt.date) -> _Period:
        slot = bisect_right(place.parameter_dates, date)
        period = place.periods.get(slot)
        if period is None:
            period = self._new_period(place, date)
            self._keep(place.periods, slot, period)
        return period

    def _new_period(self, place: _Place, date: dt.date) -> _Period:
        parameters = self.graph.parameters(place.location, date)
        flat = {**place.flat, **self._flat_parameters(parameters)}
        thresholds = set(self._age_constants)
        thresholds.update(flat[a] for a in self._age_partners if flat.get(a) is not None)
        return _Period(
            parameters=parameters,
            parameters_out={n: _parameter_out(s) for n, s in parameters.items()},
            flat=flat,
            thresholds=tuple(sorted(thresholds)),
        )

    def _class(self, place: _Place, period: _Period, age: int | None, marks: bool) -> _Class:
        """Fire the rules for one age band and explain every duty in question."""
        flat = dict(period.flat)
        if age is not None and AGE in self.plan.attributes:
            flat[AGE] = age
        user: dict[str, Any] = {"location": place.location}
        if age is not None:
            user = {"age": age, "location": place.location}
        facts = Facts(
            place.service,
            user,
            period.parameters,
            place.established_reach,
            shown=_AGE_SHOWN_AS_MARK if marks else {},
        )
        if self.cache:
            fired = self.engine.fire(flat)
        else:
            fired = self.engine.fire_uncached(flat)
        if self.verify or not self.cache:
            chosen = self._every_duty_in_reach(place, facts, fired)
        else:
            chosen = self._duties_in_question(place, period, age is not None, fired)
        candidates = [self._evaluate(info, hook, facts, fired) for info, hook in chosen]
        dates: set[dt.date] = set()
        for candidate in candidates:
            dates.update(self._dates[candidate.info.duty.id])
        return _Class(candidates, tuple(sorted(dates)))

    def _duties_in_question(
        self, place: _Place, period: _Period, age_known: bool, fired: frozenset[int]
    ) -> list[tuple[DutyInfo, m.Hook | None]]:
        """The duties the engine fired, those whose condition reads a fact the query left
        out, and (where the query does not say where the service is established) those
        bound to where a service is established: each with the nearest hook that reaches
        the query. Every other duty in reach does not apply, whatever the date."""
        open_duties = period.open_duties.get(age_known)
        if open_duties is None:
            open_duties = self._open_duties(place, period, age_known)
            period.open_duties[age_known] = open_duties
        ids = set(open_duties)
        for position in fired:
            ids.update(self._by_position.get(position, ()))
        chosen: dict[str, m.Hook | None] = {}
        for duty_id in ids:
            hook = _nearest_hook(self.duties[duty_id], place.hook_rank)
            if hook is not None:
                chosen[duty_id] = hook
        if place.established_reach is None:
            for duty_id in self._established_duties:
                chosen.setdefault(duty_id, None)
        return [(self.duties[d], chosen[d]) for d in sorted(chosen)]

    def _open_duties(self, place: _Place, period: _Period, age_known: bool) -> frozenset[str]:
        """The duties in reach whose condition reads a fact the query does not give."""
        found: set[str] = set()
        for read, duty_ids in self._by_read.items():
            if not _known(read, place.service, age_known, period.parameters):
                found.update(duty_ids)
        if len(found) > len(place.hook_rank):
            reachable = {d for key in place.hook_rank for d in self.by_hook.get(key, ())}
            found &= reachable
        return frozenset(found)

    def _every_duty_in_reach(
        self, place: _Place, facts: Facts, fired: frozenset[int]
    ) -> list[tuple[DutyInfo, m.Hook | None]]:
        """The reference selection: walk every duty whose hook may reach the query."""
        found: dict[str, m.Hook | None] = {}
        hooks: list[tuple[str, str]] = [("users_in", code) for code in place.reach]
        if facts.established_reach is None:
            hooks.extend(k for k in self.by_hook if k[0] == "established_in")
        else:
            hooks.extend(("established_in", code) for code in sorted(facts.established_reach))
        for key in hooks:
            for duty_id in self.by_hook.get(key, ()):
                if duty_id in found and found[duty_id] is not None:
                    continue
                info = self.duties[duty_id]
                hook = next(h for h in info.hooks if (h.kind, h.jurisdiction) == key)
                known_hook = (
                    hook if (key[0] == "users_in" or facts.established_reach is not None) else None
                )
                if (
                    not self.verify
                    and known_hook is not None
                    and not any(p in fired for p in info.positions)
                    and self._all_known(info, facts)
                ):
                    continue  # the engine says no and nothing it reads is unknown
                found[duty_id] = known_hook
        return [(self.duties[d], found[d]) for d in sorted(found)]

    def _all_known(self, info: DutyInfo, facts: Facts) -> bool:
        age_known = facts.user.get("age") is not None
        return all(
            _known(read, facts.service, age_known, facts.parameters)
            for read in self.reads[info.duty.id]
        )

    def _reads(self, condition: m.Condition | None) -> frozenset[tuple[str, str, str | None]]:
        """Every fact and parameter a condition reads, through its definitions."""
        found: set[tuple[str, str, str | None]] = set()
        for leaf in _leaves(condition):
            if isinstance(leaf, m.IsA) and leaf.name in self.library.definitions:
                found |= self._reads(self.library.definitions[leaf.name].when)
            elif isinstance(leaf, m.IsA):
                found.add(("service", "types", None))
            elif isinstance(leaf, m.HasFeature):
                found.add(("service", "features", None))
            elif isinstance(leaf, (m.Truth, m.Member)):
                found.add((leaf.fact.subject, leaf.fact.name, leaf.fact.key))
            elif isinstance(leaf, m.Compare):
                for operand in (leaf.left, leaf.right):
                    if isinstance(operand, m.FactRef):
                        found.add((operand.subject, operand.name, operand.key))
                    elif isinstance(operand, m.ParamRef):
                        found.add(("param", operand.name, None))
        return frozenset(found)

    def _evaluate(
        self, info: DutyInfo, hook: m.Hook | None, facts: Facts, fired: frozenset[int]
    ) -> Candidate:
        when = self.evaluator.evaluate(info.duty.when, facts)
        unless = self.evaluator.evaluate(info.duty.unless, facts) if info.duty.unless else NEVER
        holds = when.value is True and unless.value is False and hook is not None
        engine_holds = any(p in fired for p in info.positions)
        if holds != engine_holds:
            raise InternalError(
                f"engine and evaluator disagree on {info.duty.id}: "
                f"engine {engine_holds}, evaluator {holds}"
            )
        return Candidate(info, hook, when, unless)

    # ------------------------------------------------------------ the answer

    def _build_view(
        self,
        place: _Place,
        period: _Period,
        klass: _Class,
        date: dt.date,
        horizon_end: dt.date,
        marks: bool,
    ) -> _View:
        """The answer on one date, its duties sorted into sections."""
        found = _sections(place, klass, date, horizon_end)
        conditional, suspended, upcoming = found.conditional, found.suspended, found.upcoming
        applied, displaced = self._displace(found.applied)
        date_text = DATE_MARK if marks else date.isoformat()
        order = place.order

        def entry(
            candidate: Candidate, reading: Reading, kind: type[out.DutyOut], **extra: Any
        ) -> _Entry:
            hook = candidate.hook or candidate.info.hooks[0]
            # The defined terms the duty rests on, as the reaching law defines them that day
            # (term dates are among the duty's dates, so the whole slot reads the same terms).
            extra["terms"] = self._terms.for_duty(candidate.info.duty, hook.jurisdiction, date)
            return self._entry(place, candidate, reading, date_text, kind, extra)

        duties = _sorted([entry(c, r, out.DutyOut) for c, r in applied], order)
        conditional_entries = _sorted(
            [entry(c, r, out.ConditionalOut, depends_on=d) for c, r, d in conditional], order
        )
        suspended_entries = _sorted(
            [entry(c, r, out.SuspendedOut, why=why) for c, r, why in suspended], order
        )
        upcoming_entries = _sorted(
            [
                entry(c, r, out.UpcomingOut, changes=_changes(c, date, horizon_end))
                for c, r in upcoming
            ],
            order,
        )
        sections = (duties, conditional_entries, suspended_entries, upcoming_entries)
        return _View(
            rulebase=self._rulebase,
            jurisdictions=list(place.reach),
            parameters=period.parameters_out,
            duties=duties,
            conditional=conditional_entries,
            suspended=suspended_entries,
            upcoming=upcoming_entries,
            displaced=sorted(displaced, key=lambda d: d.id),
            conflicts=_conflicts(duties),
            marked=any(e.marked for section in sections for e in section),
        )

    def _displace(
        self, applied: list[tuple[Candidate, Reading]]
    ) -> tuple[list[tuple[Candidate, Reading]], list[out.DisplacedOut]]:
        displaced_by = _displacement([c.info for c, _r in applied])
        kept = [(c, r) for c, r in applied if c.info.duty.id not in displaced_by]
        displaced = [
            out.DisplacedOut(
                id=c.info.duty.id,
                by=displaced_by[c.info.duty.id],
                citation=self._citation(c.info),
                source=c.info.duty.span.location,
            )
            for c, _r in applied
            if c.info.duty.id in displaced_by
        ]
        return kept, displaced

    def _citation(self, info: DutyInfo) -> out.CitationOut:
        cites = info.duty.cites
        instrument = info.instrument
        assert cites is not None
        return _make(
            out.CitationOut,
            {
                "instrument": cites.instrument,
                "instrument_title": instrument.title if instrument else cites.instrument,
                "provision": cites.provision,
                "url": cites.url or (instrument.url if instrument else None),
            },
        )

    def _entry(
        self,
        place: _Place,
        candidate: Candidate,
        reading: Reading,
        date_text: str,
        kind: type[out.DutyOut],
        extra: dict[str, Any],
    ) -> _Entry:
        info = candidate.info
        hook = candidate.hook
        via = self._via(hook, place)
        fields = {
            **self._static_fields(info),
            "jurisdiction": hook.jurisdiction if hook else info.hooks[0].jurisdiction,
            "via": via,
            "status": reading.status,
            **extra,
        }
        because = tuple(self._because(place, candidate, reading, via, date_text))
        fields["because"] = list(because)
        maker = _maker(kind)
        complete = maker.complete(fields)
        given = frozenset(fields)
        marked = tuple(i for i, text in enumerate(because) if "\x00" in text)
        ready = None if marked else maker.build(complete, given)
        return _Entry(complete, given, because, marked, maker, ready)

    def _static_fields(self, info: DutyInfo) -> dict[str, Any]:
        """The fields of a duty's entry that are the same in every answer."""
        fields = self._statics.get(info.duty.id)
        if fields is not None:
            return fields
        duty = info.duty
        deadline = duty.deadline
        fields = {
            "id": duty.id,
            "modality": duty.modality.value,
            "title": duty.title,
            "category": duty.category or "",
            "citation": self._citation(info),
            "effective": _iso(info.timeline.effective),
            "until": _iso(info.timeline.until),
            "deadline": _make(
                out.DeadlineOut,
                {
                    "amount": deadline.amount,
                    "unit": deadline.unit.value if deadline.unit else None,
                    "hours": round(deadline.hours, 3) if deadline.hours is not None else None,
                    "text": deadline.text,
                    "description": deadline.description,
                },
            )
            if deadline
            else None,
            "scope": info.scope,
            "source": duty.span.location,
            "overrides": [t for t, _ in duty.overrides],
            "note": duty.note,
        }
        self._statics[info.duty.id] = fields
        return fields

    def _via(self, hook: m.Hook | None, place: _Place) -> list[str]:
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
        self,
        place: _Place,
        candidate: Candidate,
        reading: Reading,
        via: list[str],
        date_text: str,
    ) -> list[str]:
        reasons: list[str] = []
        hook = candidate.hook
        if hook is not None:
            reasons.append(self._hook_line(hook, place, via))
        reasons.extend(candidate.when.held)
        if candidate.info.duty.unless is not None and candidate.unless.value is False:
            reasons.append("the exception does not apply: " + "; ".join(candidate.unless.failed))
        if reading.status == "in_force":
            start = candidate.info.timeline.effective
            reasons.append(f"in force on {date_text}" + (f" (since {start})" if start else ""))
        return reasons

    def _hook_line(self, hook: m.Hook, place: _Place, via: list[str]) -> str:
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

    # ------------------------------------------------------------ explain

    def explain(self, duty_id: str, query: Query) -> out.Explanation:
        determination = self.determine(query)
        for key, outcome in (
            ("duties", "applies"),
            ("conditional", "conditional"),
            ("suspended", "suspended"),
        ):
            for entry in getattr(determination, key):
                if entry.id == duty_id:
                    reasons = list(entry.because)
                    if key == "conditional":
                        reasons.append("open: depends on " + ", ".join(entry.depends_on))
                    if key == "suspended":
                        reasons.append(entry.why.detail)
                    return out.Explanation(
                        id=duty_id,
                        outcome=outcome,  # type: ignore[arg-type]
                        reasons=reasons,
                        duty=entry,
                    )
        for entry in determination.displaced:
            if entry.id == duty_id:
                return out.Explanation(
                    id=duty_id,
                    outcome="displaced",
                    reasons=[f"displaced by the more specific {entry.by}"],
                )
        return out.Explanation(
            id=duty_id, outcome="does_not_apply", reasons=self._why_not(self.duties[duty_id], query)
        )

    def _why_not(self, info: DutyInfo, query: Query) -> list[str]:
        facts, reach = self.facts(query)
        reasons: list[str] = []
        users_hooks = [h for h in info.hooks if h.kind == "users_in"]
        reached = [
            h
            for h in info.hooks
            if (h.kind == "users_in" and h.jurisdiction in reach)
            or (
                h.kind == "established_in"
                and facts.established_reach is not None
                and h.jurisdiction in facts.established_reach
            )
        ]
        if not reached:
            places = " or ".join(
                f"users located in {h.jurisdiction}"
                if h in users_hooks
                else f"services established in {h.jurisdiction}"
                for h in info.hooks
            )
            reasons.append(
                f"territorial reach: the duty applies to {places}; the user is in "
                f"{query.user.location} (reached by {', '.join(reach)})"
                + (
                    f" and the service is established in {query.service.established_in}"
                    if query.service.established_in
                    else ""
                )
            )
        when = self.evaluator.evaluate(info.duty.when, facts)
        if when.value is False:
            reasons.append("the condition does not hold: " + "; ".join(when.failed))
        unless = self.evaluator.evaluate(info.duty.unless, facts) if info.duty.unless else NEVER
        if unless.value is True:
            reasons.append("the exception applies: " + "; ".join(unless.held))
        reading = info.timeline.reading(query.date)
        if reading.status == "not_yet":
            reasons.append(f"not yet in effect on {query.date}: takes effect on {reading.since}")
        elif reading.status == "ended":
            reasons.append(f"no longer applies on {query.date}: ended on {reading.since}")
        return reasons or ["no reason found"]


# ---------------------------------------------------------------- helpers


class _FlagAttributes:
    """The attributes the rules read, indexed so that a fact is flattened without scanning
    every attribute the rules know for each fact."""

    def __init__(self, plan: RulePlan) -> None:
        self.wanted = plan.attributes
        self.false_wanted = plan.false_tested
        # prefix -> {safe member name: attribute}, and the attributes wanted even if false
        self.members: dict[str, dict[str, str]] = defaultdict(dict)
        self.falses: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for attr in plan.attributes:
            prefix = _member_prefix(attr)
            if prefix is None:
                continue
            name = attr[len(prefix) :]
            self.members[prefix][name] = attr
            if attr in self.false_wanted:
                self.falses[prefix].append((name, attr))

    def put(self, flat: dict[str, Any], name: str, value: Any) -> None:
        if name in self.wanted and (value is not False or name in self.false_wanted):
            flat[name] = value

    def set_members(self, flat: dict[str, Any], prefix: str, values: Iterable[str]) -> None:
        """One flag per name the rules test: true when the name is among ``values``."""
        members = self.members.get(prefix)
        if not members:
            return
        present = {safe(v) for v in values}
        for name in present:
            attr = members.get(name)
            if attr is not None:
                flat[attr] = True
        for name, attr in self.falses.get(prefix, ()):
            if name not in present:
                flat[attr] = False


def _member_prefix(attr: str) -> str | None:
    """The prefix of a membership flag (``t_``, ``s_associations__has_``...), if it is one."""
    for prefix in ("t_", "f_", "u_location__in_"):
        if attr.startswith(prefix):
            return prefix
    for marker in ("__has_", "__in_"):
        head, found, _tail = attr.partition(marker)
        if found and head.startswith("s_"):
            return head + marker
    return None


def _service_facts(query: Query) -> dict[str, Any]:
    """The facts the query gives about the service (``Service.facts``, read straight from
    the model's fields: this runs for every new service and place)."""
    model = query.service
    service = {k: v for k, v in model.__dict__.items() if v is not None}
    for name, value in (model.model_extra or {}).items():
        if value is not None:
            service[name] = value
    for key in ("types", "features", "associations"):
        if key in service:
            service[key] = tuple(service[key])
    return service


def _known(
    read: tuple[str, str, str | None],
    service: Mapping[str, Any],
    age_known: bool,
    parameters: Mapping[str, ParameterSetting],
) -> bool:
    subject, name, key = read
    if subject == "param":
        return name in parameters
    if subject == "user":
        return name != "age" or age_known
    value = service.get(name)
    return value is not None and (key is None or key in value)


def _nearest_hook(info: DutyInfo, rank: Mapping[tuple[str, str], int]) -> m.Hook | None:
    best: m.Hook | None = None
    best_rank = len(rank)
    for hook in info.hooks:
        position = rank.get((hook.kind, hook.jurisdiction))
        if position is not None and position < best_rank:
            best, best_rank = hook, position
    return best


def _band(thresholds: tuple[float, ...], age: int | None) -> Band:
    """How an age compares with every threshold: ages in one band answer alike."""
    if age is None:
        return None
    below = bisect_left(thresholds, age)
    return below, below < len(thresholds) and thresholds[below] == age


def _term_dates(library: Library) -> set[dt.date]:
    """Every date on which a definition can enter or leave a duty's ``terms``: the terms'
    own dates and those of the instruments that define them."""
    found: set[dt.date] = set()
    for term in library.term_definitions:
        found.update(d for d in (term.effective, term.until) if d is not None)
        instrument = library.instruments.get(term.cites.instrument) if term.cites else None
        if instrument is not None:
            found.update(d for d in (instrument.effective, instrument.until) if d is not None)
            found.update(event.date for event in instrument.court)
            if instrument.status is not None and instrument.status.since is not None:
                found.add(instrument.status.since)
    return found


def _timeline_dates(timeline: Timeline) -> set[dt.date]:
    """Every date on which a duty's standing can change (``Timeline.reading`` and
    ``Timeline.changes`` compare the query's date, and its horizon, with these only)."""
    found = {event.date for event in timeline.events}
    found.update(d for d in (timeline.effective, timeline.until) if d is not None)
    if timeline.base is not None and timeline.base.since is not None:
        found.add(timeline.base.since)
    return found


@functools.lru_cache(maxsize=64)
def _days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)


def _horizon_end(date: dt.date, horizon_days: int) -> dt.date:
    try:
        return date + _days(horizon_days)
    except OverflowError:
        return dt.date.max


def _echo(service: dict[str, Any], age: int | None, location: str, date: str) -> dict[str, Any]:
    """The query as the answer repeats it (``Query.to_json``)."""
    user: dict[str, Any] = (
        {"location": location} if age is None else {"age": age, "location": location}
    )
    return {"service": service, "user": user, "date": date}


class _Maker:
    """Builds answer models from complete, already-valid values without validating them
    again: pydantic's ``model_construct`` does the same but costs more than the rest of a
    cached answer. Values are put in field order (pydantic writes JSON in the order of the
    model's ``__dict__``) and fields a caller leaves out get their defaults, as
    ``model_construct`` does."""

    def __init__(self, kind: type[BaseModel]) -> None:
        self.kind = kind
        self.names = tuple(kind.model_fields)
        self.defaults = {
            name: info for name, info in kind.model_fields.items() if not info.is_required()
        }
        self.plain = not kind.__pydantic_post_init__ and not kind.__private_attributes__

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        complete: dict[str, Any] = dict.fromkeys(self.names, _UNSET)
        complete.update(values)
        for name, info in self.defaults.items():
            if complete[name] is _UNSET:
                complete[name] = info.get_default(call_default_factory=True)
        return complete

    def build(self, complete: dict[str, Any], given: Iterable[str], **changed: Any) -> Any:
        """A model of ``complete`` (every field, in order), with ``changed`` fields
        replaced in place."""
        if not self.plain:
            return self.kind.model_construct(set(given), **{**complete, **changed})
        model = self.kind.__new__(self.kind)
        values = model.__dict__
        values.update(complete)
        values.update(changed)
        object.__setattr__(model, "__pydantic_fields_set__", set(given))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model


_makers: dict[type[BaseModel], _Maker] = {}
_UNSET = object()


def _maker(kind: type[BaseModel]) -> _Maker:
    maker = _makers.get(kind)
    if maker is None:
        maker = _makers[kind] = _Maker(kind)
    return maker


def _make(kind: type[Model], values: dict[str, Any]) -> Model:
    maker = _maker(kind)
    made: Model = maker.build(maker.complete(values), values)
    return made


def _combined(duty: m.Duty) -> m.Condition | None:
    """``when and not unless``: the condition under which the duty binds."""
    parts: list[m.Condition] = []
    if duty.when is not None:
        parts.append(duty.when)
    if duty.unless is not None:
        parts.append(m.Not.model_construct(span=duty.unless.span, item=duty.unless))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return m.AllOf.model_construct(span=duty.span, items=tuple(parts))


def _leaves(condition: m.Condition | None) -> list[m.Condition]:
    """The leaves of a condition, left to right (``resolve.walk``, without the isinstance
    checks that make walking ten thousand conditions slow)."""
    found: list[m.Condition] = []
    stack = [condition] if condition is not None else []
    while stack:
        node = stack.pop()
        if node.kind in ("all", "any"):
            stack.extend(reversed(node.items))
        elif node.kind == "not":
            stack.append(node.item)
        else:
            found.append(node)
    return found


def _hook_attribute(hook: m.Hook) -> str:
    prefix = "r" if hook.kind == "users_in" else "e"
    return f"{prefix}_{safe(hook.jurisdiction)}"


def _open_facts(candidate: Candidate) -> list[str] | None:
    """None when the duty cannot apply; otherwise the facts it still depends on."""
    if candidate.when.value is False or candidate.unless.value is True:
        return None
    open_facts = set(candidate.when.unknown) if candidate.when.value is None else set()
    if candidate.unless.value is None:
        open_facts |= candidate.unless.unknown
    if candidate.hook is None:
        open_facts.add("service.established_in")
    return sorted(open_facts)


def _changes(candidate: Candidate, start: dt.date, end: dt.date) -> list[out.ChangeOut]:
    return [
        _make(out.ChangeOut, {"date": d.isoformat(), "change": kind, "detail": text})
        for d, kind, text in candidate.info.timeline.changes(start, end)
    ]


def _suspension(reading: Reading) -> out.SuspensionOut:
    injunction = reading.injunction
    if injunction is not None:
        whom = (" as to " + ", ".join(injunction.protecting)) if injunction.protecting else ""
        verb = "struck down" if injunction.final else "enjoined"
        return out.SuspensionOut(
            status=reading.status,
            case=injunction.case,
            since=injunction.since.isoformat(),
            protecting=list(injunction.protecting),
            detail=f"{verb} in {injunction.case} since {injunction.since}{whom}",
        )
    if reading.status == "repealed":
        return out.SuspensionOut(
            status="repealed", since=_iso(reading.since), detail=f"repealed since {reading.since}"
        )
    return out.SuspensionOut(status="pending", detail="the law is not yet binding (pending)")


def _parameter_out(setting: ParameterSetting) -> out.ParameterOut:
    value: float | int = (
        int(setting.value) if setting.value == int(setting.value) else setting.value
    )
    return _make(out.ParameterOut, {"value": value, "from_": setting.origin})


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _sorted(entries: list[_Entry], order: dict[str, int]) -> tuple[_Entry, ...]:
    def key(entry: _Entry) -> tuple[int, str, str, str]:
        fields = entry.fields
        jurisdiction = fields["jurisdiction"]
        return (order.get(jurisdiction, len(order)), jurisdiction, fields["category"], fields["id"])

    return tuple(sorted(entries, key=key))


def _order_key(
    jurisdiction: str, info: DutyInfo, order: dict[str, int]
) -> tuple[int, str, str, str]:
    """Where a duty goes in its section: the same order as ``_sorted``."""
    category = info.duty.category or ""
    return (order.get(jurisdiction, len(order)), jurisdiction, category, info.duty.id)


@dataclass
class _Sections:
    applied: list[tuple[Candidate, Reading]] = field(default_factory=list)
    conditional: list[tuple[Candidate, Reading, list[str]]] = field(default_factory=list)
    suspended: list[tuple[Candidate, Reading, out.SuspensionOut]] = field(default_factory=list)
    upcoming: list[tuple[Candidate, Reading]] = field(default_factory=list)


def _sections(
    place: _Place, klass: _Class, date: dt.date, horizon_end: dt.date | None
) -> _Sections:
    """Sort a class's candidates into the sections of the answer on one date (``upcoming``
    only when there is a horizon)."""
    found = _Sections()
    associations = place.service.get("associations")
    for candidate in klass.candidates:
        info = candidate.info
        reading = info.timeline.reading(date)
        if (
            horizon_end is not None
            and info.timeline.changes(date, horizon_end)
            and candidate.when.value is not False
            and candidate.unless.value is not True
        ):
            found.upcoming.append((candidate, reading))
        open_facts = _open_facts(candidate)
        if open_facts is None:
            continue
        standing = _standing(reading, associations)
        if standing == "closed":
            continue
        if standing == "unknown":
            deps = sorted({*open_facts, "service.associations"})
            found.conditional.append((candidate, reading, deps))
            continue
        if standing == "suspended":
            found.suspended.append((candidate, reading, _suspension(reading)))
            continue
        if open_facts:
            found.conditional.append((candidate, reading, open_facts))
        else:
            found.applied.append((candidate, reading))
    return found


def _displacement(applied: list[DutyInfo]) -> dict[str, str]:
    """Each applied duty that a more specific applied duty overrides, and by which."""
    ids = {info.duty.id for info in applied}
    displaced_by: dict[str, str] = {}
    for info in applied:
        for target, _span in info.duty.overrides:
            if target in ids:
                displaced_by.setdefault(target, info.duty.id)
    return displaced_by


def _standing(reading: Reading, associations: tuple[str, ...] | None) -> str:
    """Whether a duty whose condition holds binds on the reading's date: ``binding``,
    ``suspended`` (enjoined as to this service, pending or repealed), ``unknown`` (enjoined
    as to named associations, and the query does not say which the service belongs to) or
    ``closed`` (not yet in effect, or ended)."""
    if not reading.window_open:
        return "closed"
    if reading.status in ("enjoined", "struck_down") and reading.injunction:
        shielded = protects(reading.injunction, associations)
        if shielded is None:
            return "unknown"
        return "suspended" if shielded else "binding"
    if reading.status in ("pending", "repealed"):
        return "suspended"
    return "binding"


def _conflicts(duties: Iterable[_Entry]) -> list[out.ConflictOut]:
    """A permission and a prohibition of the same category that both apply."""
    by_category: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for duty in duties:
        by_category[duty.fields["category"]][duty.fields["modality"]].append(duty.fields["id"])
    conflicts = []
    for category, modalities in sorted(by_category.items()):
        if modalities.get("permission") and modalities.get("prohibition"):
            ids = sorted(modalities["permission"] + modalities["prohibition"])
            conflicts.append(
                out.ConflictOut(
                    category=category, duties=ids, detail="one law permits what another prohibits"
                )
            )
    return conflicts


