"""The duties of a rule base, indexed for determination: each duty's hooks, timeline and
condition, the rules durable-rules runs for them, and the indexes the steps look duties up by
(by hook, by engine rule, by the facts a condition reads, by the dates a duty changes on)."""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from obligate.determination import answer as out
from obligate.determination.period import change_dates, timeline_dates
from obligate.determination.period import term_dates as term_dates_of
from obligate.engine.rules import (
    Engine,
    Normaliser,
    RulePlan,
    RulesRefused,
    TooComplex,
    conjoin,
    safe,
)
from obligate.graph.timeline import Reading, Timeline
from obligate.language import model as m
from obligate.language.compiler import Compiled

if TYPE_CHECKING:
    from obligate.language.resolve import Library

Read = tuple[str, str, str | None]  # (subject, name, key) of a fact or ("param", name, None)


@dataclass(frozen=True)
class DutyInfo:
    duty: m.Duty
    instrument: m.Instrument | None
    timeline: Timeline
    hooks: tuple[m.Hook, ...]
    scope: str
    positions: tuple[int, ...]
    condition: m.Condition | None
    changes_on: tuple[dt.date, ...]  # the dates ``timeline.changes`` can report, sorted

    @functools.cached_property
    def hook_keys(self) -> tuple[tuple[str, str], ...]:
        """Each hook as (kind, jurisdiction), as a place ranks the hooks that reach it."""
        return tuple((hook.kind, hook.jurisdiction) for hook in self.hooks)

    @functools.cached_property
    def _status_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted(timeline_dates(self.timeline)))

    @functools.cached_property
    def _readings(self) -> dict[int, Reading]:
        return {}

    @functools.cached_property
    def changes_memo(self) -> dict[tuple[int, int], list[out.ChangeOut]]:
        """The changes an answer lists within a horizon, by the slots of its start and end
        among ``changes_on`` (sections.changes)."""
        return {}

    def reading(self, date: dt.date) -> Reading:
        """``timeline.reading(date)``, the same between two of the dates its standing can
        change on, so remembered per slot among them."""
        slot = bisect_right(self._status_dates, date)
        found = self._readings.get(slot)
        if found is None:
            found = self._readings[slot] = self.timeline.reading(date)
        return found


CATALOGUE_KEY = "determination.catalogue"  # its indexes' place in ``Compiled.derived``


@dataclass
class Indexes:
    """What a catalogue derives from the library alone (no query, no engine): each duty's
    hooks, timeline and condition, the rules the engine must fire, and the indexes the steps
    look duties up by. The compile cache keeps them with the library (``derive``), so a
    library read back from it does not derive them again."""

    duties: dict[str, DutyInfo]
    reads: dict[str, frozenset[Read]]
    plan: RulePlan
    duty_rules: list[int]
    by_hook: dict[tuple[str, str], list[str]]
    by_position: dict[int, list[DutyInfo]]
    by_read: dict[Read, list[str]]
    established_duties: list[str]
    # A duty's dates are its own and those of every defined term (any term may be one
    # it rests on); a class reads the union of its candidates' (classes.py).
    term_dates: frozenset[dt.date]
    own_dates: dict[str, frozenset[dt.date]]
    dates: dict[str, set[dt.date]]


def derive(compiled: Compiled) -> bool:
    """Put the catalogue's indexes into ``compiled.derived``, for ``compile_paths`` to cache
    with the library; False when they are there already (read back from the cache), or
    cannot be made (a condition too complex: the catalogue reports it, positioned)."""
    if CATALOGUE_KEY in compiled.derived:
        return False
    try:
        indexes_of(compiled)
    except TooComplex:
        return False
    return True


def indexes_of(compiled: Compiled) -> Indexes:
    """The library's indexes: as the cache kept them, else derived now (and kept)."""
    found: Indexes | None = compiled.derived.get(CATALOGUE_KEY)
    if found is None:
        found = compiled.derived[CATALOGUE_KEY] = _Indexer(compiled.library).indexes()
    return found


class Catalogue:
    """Every duty of a compiled rule base, with the engine that fires their rules."""

    def __init__(self, compiled: Compiled) -> None:
        self.library = compiled.library
        self.version = compiled.version
        indexes = indexes_of(compiled)
        self.duties = indexes.duties
        self.reads = indexes.reads
        self.plan = indexes.plan
        self.by_hook = indexes.by_hook
        self.by_position = indexes.by_position
        self.by_read = indexes.by_read
        self.established_duties = indexes.established_duties
        self.term_dates = indexes.term_dates
        self.own_dates = indexes.own_dates
        self.dates = indexes.dates
        try:
            self.engine = Engine.shared(f"obligate-{self.version}", self.plan, indexes.duty_rules)
        except RulesRefused as refused:
            raise self._too_complex(refused.positions[0]) from None

    def _too_complex(self, position: int) -> TooComplex:
        """The duty or definition whose rule the engine refused, as a positioned problem."""
        message = (
            "this condition needs more tests in one engine rule than durable-rules holds "
            "(its definitions multiply into too many and/or groups): split it into simpler "
            "definitions or duties"
        )
        for info in self.duties.values():
            if position in info.positions:
                return TooComplex(info.duty.when or info.duty, message)
        for name, _positive in self.plan.definition_rules.get(position, ()):
            definition = self.library.definitions[name]
            return TooComplex(definition.when or definition, message)
        raise RuntimeError(f"the engine refused rule {position}, which no duty uses")


class _Indexer:
    """Derives a library's ``Indexes``."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.duties: dict[str, DutyInfo] = {}

    def indexes(self) -> Indexes:
        library = self.library
        self.duties = {
            d.id: self._info(d) for d in sorted(library.duties.values(), key=lambda d: d.id)
        }
        reads = {d: self._reads(info.condition) for d, info in self.duties.items()}
        plan, duty_rules = self._plan()
        by_hook: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_position: dict[int, list[DutyInfo]] = defaultdict(list)
        for info in self.duties.values():
            for hook in info.hooks:
                by_hook[(hook.kind, hook.jurisdiction)].append(info.duty.id)
            for position in info.positions:
                by_position[position].append(info)
        by_read: dict[Read, list[str]] = defaultdict(list)
        for duty_id, duty_reads in reads.items():
            for read in duty_reads:
                by_read[read].append(duty_id)
        established = sorted(
            {d for (kind, _code), ids in by_hook.items() if kind == "established_in" for d in ids}
        )
        term_dates = frozenset(term_dates_of(library))
        own_dates = {d: frozenset(timeline_dates(i.timeline)) for d, i in self.duties.items()}
        return Indexes(
            duties=self.duties,
            reads=reads,
            plan=plan,
            duty_rules=duty_rules,
            by_hook=by_hook,
            by_position=by_position,
            by_read=by_read,
            established_duties=established,
            term_dates=term_dates,
            own_dates=own_dates,
            dates={d: set(own | term_dates) for d, own in own_dates.items()},
        )

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
            for leaf in leaves(condition)
        )
        timeline = Timeline.of(duty, instrument)
        return DutyInfo(
            duty,
            instrument,
            timeline,
            hooks,
            "user" if reads_age else "service",
            (),
            condition,
            change_dates(timeline),
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
                info.changes_on,
            )
        return plan, duty_rules

    def _reads(self, condition: m.Condition | None) -> frozenset[Read]:
        """Every fact and parameter a condition reads, through its definitions."""
        found: set[Read] = set()
        for leaf in leaves(condition):
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


def leaves(condition: m.Condition | None) -> list[m.Condition]:
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
