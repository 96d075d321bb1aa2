"""The class step: a period and an age band. durable-rules fires the rules of the duties;
the duties in question (those it fired, and those whose condition reads a fact the query
left out) are explained by the three-valued evaluator, which must agree with the engine."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from obligate.determination.caches import Memory, Nested
from obligate.determination.catalogue import Catalogue, DutyInfo, Read
from obligate.determination.period import Period, band
from obligate.determination.place import Place
from obligate.engine.evaluate import NEVER, Evaluator, Facts, Outcome
from obligate.engine.forms import AGE
from obligate.graph.jurisdictions import ParameterSetting
from obligate.language import model as m

# Marks left in the reasons of a cached answer, filled in per query. Rule files are text and
# cannot hold a NUL character, so a mark never collides with a rule's own words.
AGE_MARK = "\x00age\x00"
DATE_MARK = "\x00date\x00"
USER_AGE = "user.age"
_AGE_SHOWN_AS_MARK = {USER_AGE: AGE_MARK}


class InternalError(RuntimeError):
    """The engine and the evaluator disagree: a bug in obligate, never in the query."""


class Candidate:
    """A duty in reach, explained on the known facts (the date is read later). It is
    explained when first asked: a candidate that the query's date leaves out of every
    section of the answer (not yet in effect, or ended, and no change within the horizon:
    about a third of those durable-rules fires, as dates are not in its rules) never is."""

    __slots__ = ("info", "hook", "fired", "_outcomes", "_explain")

    def __init__(
        self,
        info: DutyInfo,
        hook: m.Hook | None,  # the hook that reached the query (None: unknown)
        fired: bool,  # the engine says it holds: its condition holds, its exception not
        # the class's evaluation of a duty's condition and exception on its facts
        explain: Callable[[DutyInfo, m.Hook | None], tuple[Outcome, Outcome]],
    ) -> None:
        self.info = info
        self.hook = hook
        self.fired = fired
        self._outcomes: tuple[Outcome, Outcome] | None = None
        self._explain = explain

    def explained(self) -> tuple[Outcome, Outcome]:
        outcomes = self._outcomes
        if outcomes is None:
            # Two threads may both explain it: they find the same, and either is kept.
            outcomes = self._outcomes = self._explain(self.info, self.hook)
        return outcomes

    @property
    def when(self) -> Outcome:
        return self.explained()[0]

    @property
    def unless(self) -> Outcome:
        return self.explained()[1]


@dataclass
class Class:
    """A period and an age band: the duties in question, explained."""

    candidates: list[Candidate]
    dates: tuple[dt.date, ...]  # every date on which a candidate's standing changes
    views: Nested = field(default_factory=dict)  # (date slot, horizon slot) -> View
    summaries: Nested = field(default_factory=dict)  # date slot -> sections.Summary


class Classes:
    """Fires the rules for an age band and explains the duties in question."""

    def __init__(
        self, catalogue: Catalogue, evaluator: Evaluator, memory: Memory, cache: bool, verify: bool
    ) -> None:
        self.catalogue = catalogue
        self.duties = catalogue.duties
        self.engine = catalogue.engine
        self.evaluator = evaluator
        self.memory = memory
        self.cache = cache
        # verify: evaluate every duty in reach and check the engine against the evaluator
        # (tests); otherwise a duty the engine did not fire, on known facts, is skipped.
        self.verify = verify

    def class_of(self, place: Place, period: Period, age: int | None) -> tuple[Class, bool]:
        """The class of an age band, and whether it was built just now."""
        key = band(period.thresholds, age)
        klass: Class | None = self.memory.find(period.classes, key)
        if klass is not None:
            return klass, False
        klass = self.build(place, period, age, marks=True)
        self.memory.keep(period.classes, key, klass)
        return klass, True

    def _flat(self, period: Period, age: int | None) -> dict[str, Any]:
        flat = dict(period.flat)
        if age is not None and AGE in self.catalogue.plan.attributes:
            flat[AGE] = age
        return flat

    def build(self, place: Place, period: Period, age: int | None, marks: bool) -> Class:
        """Fire the rules for one age band and explain every duty in question."""
        flat = self._flat(period, age)
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
        explain = functools.partial(self._evaluate, facts, fired)
        if self.verify or not self.cache:
            candidates = [
                Candidate(info, hook, not fired.isdisjoint(info.positions), explain)
                for info, hook in self._every_duty_in_reach(place, facts, fired)
            ]
        else:
            candidates = self._candidates(place, period, age is not None, fired, explain)
        if self.verify or not self.cache:
            for candidate in candidates:
                candidate.explained()  # the reference: every candidate checked now
        if not candidates:
            return Class(candidates, ())
        own = self.catalogue.own_dates
        dates = self.catalogue.term_dates.union(*[own[c.info.duty.id] for c in candidates])
        return Class(candidates, tuple(sorted(dates)))

    def _candidates(
        self,
        place: Place,
        period: Period,
        age_known: bool,
        fired: frozenset[int],
        explain: Callable[[DutyInfo, m.Hook | None], tuple[Outcome, Outcome]],
    ) -> list[Candidate]:
        """The duties the engine fired, those whose condition reads a fact the query left
        out, and (where the query does not say where the service is established) those
        bound to where a service is established: each with the nearest hook that reaches
        the query (in no particular order: what the answer shows is ordered, or does not
        depend on it). Every other duty in reach does not apply, whatever the date."""
        open_duties = period.open_duties.get(age_known)
        if open_duties is None:
            open_duties = self._open_duties(place, period, age_known)
            period.open_duties[age_known] = open_duties
        rank = place.hook_rank
        chosen: dict[str, Candidate] = {}
        by_position = self.catalogue.by_position
        for position in fired:
            infos = by_position.get(position)
            if infos is None:
                continue  # a definition's rule
            for info in infos:
                duty_id = info.duty.id
                if duty_id in chosen:
                    continue
                keys = info.hook_keys
                if len(keys) == 1:  # most duties: nearest_hook, without the call
                    if keys[0] not in rank:
                        continue
                    hook: m.Hook | None = info.hooks[0]
                else:
                    hook = nearest_hook(info, rank)
                    if hook is None:
                        continue
                chosen[duty_id] = Candidate(info, hook, True, explain)
        for duty_id in open_duties:
            if duty_id not in chosen:
                info = self.duties[duty_id]
                hook = nearest_hook(info, rank)
                if hook is not None:
                    fires = not fired.isdisjoint(info.positions)
                    chosen[duty_id] = Candidate(info, hook, fires, explain)
        if place.established_reach is None:
            for duty_id in self.catalogue.established_duties:
                if duty_id not in chosen:
                    info = self.duties[duty_id]
                    fires = not fired.isdisjoint(info.positions)
                    chosen[duty_id] = Candidate(info, None, fires, explain)
        return list(chosen.values())

    def _open_duties(self, place: Place, period: Period, age_known: bool) -> frozenset[str]:
        """The duties in reach whose condition reads a fact the query does not give."""
        found: set[str] = set()
        for read, duty_ids in self.catalogue.by_read.items():
            if not known(read, place.service, age_known, period.parameters):
                found.update(duty_ids)
        if len(found) > len(place.hook_rank):
            by_hook = self.catalogue.by_hook
            reachable = {d for key in place.hook_rank for d in by_hook.get(key, ())}
            found &= reachable
        return frozenset(found)

    def _every_duty_in_reach(
        self, place: Place, facts: Facts, fired: frozenset[int]
    ) -> list[tuple[DutyInfo, m.Hook | None]]:
        """The reference selection: walk every duty whose hook may reach the query."""
        by_hook = self.catalogue.by_hook
        found: dict[str, m.Hook | None] = {}
        hooks: list[tuple[str, str]] = [("users_in", code) for code in place.reach]
        if facts.established_reach is None:
            hooks.extend(k for k in by_hook if k[0] == "established_in")
        else:
            hooks.extend(("established_in", code) for code in sorted(facts.established_reach))
        for key in hooks:
            for duty_id in by_hook.get(key, ()):
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
            known(read, facts.service, age_known, facts.parameters)
            for read in self.catalogue.reads[info.duty.id]
        )

    def _evaluate(
        self, facts: Facts, fired: frozenset[int], info: DutyInfo, hook: m.Hook | None
    ) -> tuple[Outcome, Outcome]:
        when = self.evaluator.evaluate(info.duty.when, facts)
        unless = self.evaluator.evaluate(info.duty.unless, facts) if info.duty.unless else NEVER
        holds = when.value is True and unless.value is False and hook is not None
        engine_holds = any(p in fired for p in info.positions)
        if holds != engine_holds:
            raise InternalError(
                f"engine and evaluator disagree on {info.duty.id}: "
                f"engine {engine_holds}, evaluator {holds}"
            )
        return when, unless


def known(
    read: Read,
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


def nearest_hook(info: DutyInfo, rank: Mapping[tuple[str, str], int]) -> m.Hook | None:
    keys = info.hook_keys
    if len(keys) == 1:
        return info.hooks[0] if keys[0] in rank else None
    best: m.Hook | None = None
    best_rank = len(rank)
    for hook, key in zip(info.hooks, keys, strict=True):
        position = rank.get(key)
        if position is not None and position < best_rank:
            best, best_rank = hook, position
    return best


def may_hold(candidate: Candidate) -> bool:
    """Whether the duty's condition may hold and its exception may not (a duty the engine
    fired holds: the evaluator, which explains it, agrees, or the answer fails)."""
    if candidate.fired:
        return True
    return candidate.when.value is not False and candidate.unless.value is not True


def open_facts(candidate: Candidate) -> list[str] | None:
    """None when the duty cannot apply; otherwise the facts it still depends on (none for a
    duty the engine fired: it holds on the facts the query gives)."""
    if candidate.fired:
        return []
    if candidate.when.value is False or candidate.unless.value is True:
        return None
    found = set(candidate.when.unknown) if candidate.when.value is None else set()
    if candidate.unless.value is None:
        found |= candidate.unless.unknown
    if candidate.hook is None:
        found.add("service.established_in")
    return sorted(found)
