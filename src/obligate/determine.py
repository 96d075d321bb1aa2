"""Determination: the duties that apply to a query, with reasons, sources and open questions.

durable-rules decides which conditions hold on the known facts (engine.py); the three-valued
evaluator explains them and finds the conditions that turn on facts the query left out;
time, legal status, territorial reach and overrides are read here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from obligate import determination as out
from obligate import model as m
from obligate.checks import parents
from obligate.compiler import Compiled
from obligate.engine import (
    Engine,
    Normaliser,
    RulePlan,
    TooComplex,
    conjoin,
    fact_attribute,
    safe,
)
from obligate.evaluate import NEVER, Evaluator, Facts, Outcome
from obligate.jurisdictions import JurisdictionGraph, ParameterSetting
from obligate.query import Query
from obligate.resolve import walk
from obligate.timeline import Reading, Timeline, protects

DEFAULT_HORIZON_DAYS = 365
ANSWER_CACHE_SIZE = 10_000


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
    info: DutyInfo
    hook: m.Hook | None  # the hook that reached the query (None: unknown)
    when: Outcome
    unless: Outcome
    reading: Reading


class Determiner:
    def __init__(self, compiled: Compiled, cache: bool = True, verify: bool = False) -> None:
        self.cache = cache
        # verify: evaluate every duty in reach and check the engine against the evaluator
        # (tests); otherwise a duty the engine did not fire, on known facts, is skipped.
        self.verify = verify
        self._answers: dict[tuple[str, int], out.Determination] = {}
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
        service = dict(query.service.facts())
        for key in ("types", "features", "associations"):
            if key in service:
                service[key] = tuple(service[key])
        user = query.user.model_dump(exclude_none=True)
        reach = self.graph.reach(query.user.location)
        established = query.service.established_in
        established_reach = frozenset(self.graph.reach(established)) if established else None
        parameters = self.graph.parameters(query.user.location, query.date)
        return Facts(service, user, parameters, established_reach), reach

    def flatten(self, facts: Facts, reach: Iterable[str]) -> dict[str, Any]:
        """The query as one flat durable-rules fact (only attributes some rule reads)."""
        wanted = self.plan.attributes
        flat: dict[str, Any] = {}

        def put(name: str, value: Any) -> None:
            if name in wanted:
                flat[name] = value

        service = facts.service
        for key, prefix in (("types", "t"), ("features", "f")):
            if key in service:
                present = {safe(v) for v in service[key]}
                for attr in (a for a in wanted if a.startswith(f"{prefix}_")):
                    flat[attr] = attr[2:] in present
        for name, value in service.items():
            if name in ("types", "features"):
                continue
            attr = f"s_{safe(name)}"
            if isinstance(value, dict):
                for code, count in value.items():
                    put(f"{attr}__{safe(code)}", count)
            elif isinstance(value, tuple):
                present = {safe(v) for v in value}
                for flag in (a for a in wanted if a.startswith(f"{attr}__has_")):
                    flat[flag] = flag[len(attr) + 6 :] in present
            elif isinstance(value, str) and name == "established_in":
                for flag in (a for a in wanted if a.startswith(f"{attr}__in_")):
                    flat[flag] = any(
                        safe(c) == flag[len(attr) + 5 :] for c in facts.established_reach or ()
                    )
            else:
                put(attr, value)
        for name, value in facts.user.items():
            if name == "location":
                here = {safe(c) for c in reach}
                for flag in (a for a in wanted if a.startswith("u_location__in_")):
                    flat[flag] = flag[len("u_location__in_") :] in here
            else:
                put(f"u_{safe(name)}", value)
        for name, setting in facts.parameters.items():
            put(f"p_{safe(name)}", setting.value)
        for code in reach:
            put(f"r_{safe(code)}", True)
        for code in facts.established_reach or ():
            put(f"e_{safe(code)}", True)
        return flat

    # ------------------------------------------------------------ determine

    def determine(
        self, query: Query, horizon_days: int = DEFAULT_HORIZON_DAYS
    ) -> out.Determination:
        """The answer for one query. Answers are immutable and depend only on the query and
        the rule base, so a query asked before is answered from memory."""
        if not self.cache:
            return self._determine(query, horizon_days)
        key = (query.model_dump_json(), horizon_days)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._determine(query, horizon_days)
            if len(self._answers) >= ANSWER_CACHE_SIZE:
                self._answers.pop(next(iter(self._answers)), None)
            self._answers[key] = answer
        return answer

    def _determine(self, query: Query, horizon_days: int) -> out.Determination:
        facts, reach = self.facts(query)
        flat = self.flatten(facts, reach)
        fired = self.engine.fire(flat) if self.cache else self.engine.fire_uncached(flat)
        candidates = self._candidates(query, facts, reach, fired)
        applied: list[Candidate] = []
        conditional: list[tuple[Candidate, list[str]]] = []
        suspended: list[tuple[Candidate, out.SuspensionOut]] = []
        upcoming: list[Candidate] = []
        horizon_end = query.date + dt.timedelta(days=horizon_days)
        associations = facts.service.get("associations")
        for candidate in candidates:
            info = candidate.info
            if (
                info.timeline.changes(query.date, horizon_end)
                and candidate.when.value is not False
                and candidate.unless.value is not True
            ):
                upcoming.append(candidate)
            open_facts = _open_facts(candidate)
            if open_facts is None:
                continue
            reading = candidate.reading
            if not reading.window_open:
                continue
            if reading.status in ("enjoined", "struck_down") and reading.injunction:
                shielded = protects(reading.injunction, associations)
                if shielded is None:
                    conditional.append((candidate, sorted({*open_facts, "service.associations"})))
                    continue
                if shielded:
                    suspended.append((candidate, _suspension(reading)))
                    continue
            elif reading.status in ("pending", "repealed"):
                suspended.append((candidate, _suspension(reading)))
                continue
            if open_facts:
                conditional.append((candidate, open_facts))
            else:
                applied.append(candidate)
        applied, displaced = self._displace(applied)
        order = {code: index for index, code in enumerate(reach)}
        duties = [self._duty_out(c, query, facts) for c in applied]
        return out.Determination(
            query=query.to_json(),
            rulebase=out.RulebaseOut(version=self.version, rules=len(self.duties)),
            jurisdictions=list(reach),
            parameters={n: _parameter_out(s) for n, s in facts.parameters.items()},
            duties=_sorted(duties, order),
            conditional=_sorted(
                [
                    out.ConditionalOut.model_construct(
                        **dict(self._duty_out(c, query, facts)), depends_on=deps
                    )
                    for c, deps in conditional
                ],
                order,
            ),
            suspended=_sorted(
                [
                    out.SuspendedOut.model_construct(
                        **dict(self._duty_out(c, query, facts)), why=why
                    )
                    for c, why in suspended
                ],
                order,
            ),
            upcoming=_sorted(
                [self._upcoming_out(c, query, facts, horizon_end) for c in upcoming], order
            ),
            displaced=sorted(displaced, key=lambda d: d.id),
            conflicts=_conflicts(duties),
        )

    def _candidates(
        self, query: Query, facts: Facts, reach: tuple[str, ...], fired: frozenset[int]
    ) -> list[Candidate]:
        """Every duty whose territorial hook may reach the query, evaluated."""
        found: dict[str, Candidate] = {}
        hooks: list[tuple[str, str]] = [("users_in", code) for code in reach]
        if facts.established_reach is None:
            hooks.extend(k for k in self.by_hook if k[0] == "established_in")
        else:
            hooks.extend(("established_in", code) for code in sorted(facts.established_reach))
        for key in hooks:
            for duty_id in self.by_hook.get(key, ()):
                if duty_id in found and found[duty_id].hook is not None:
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
                found[duty_id] = self._evaluate(info, known_hook, facts, query.date, fired)
        return [found[k] for k in sorted(found)]

    def _all_known(self, info: DutyInfo, facts: Facts) -> bool:
        for subject, name, key in self.reads[info.duty.id]:
            if subject == "param":
                if name not in facts.parameters:
                    return False
                continue
            values = facts.service if subject == "service" else facts.user
            value = values.get(name)
            if value is None or (key is not None and key not in value):
                return False
        return True

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
        self,
        info: DutyInfo,
        hook: m.Hook | None,
        facts: Facts,
        date: dt.date,
        fired: frozenset[int],
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
        return Candidate(info, hook, when, unless, info.timeline.reading(date))

    def _displace(self, applied: list[Candidate]) -> tuple[list[Candidate], list[out.DisplacedOut]]:
        ids = {c.info.duty.id for c in applied}
        displaced_by: dict[str, str] = {}
        for candidate in applied:
            for target, _span in candidate.info.duty.overrides:
                if target in ids:
                    displaced_by.setdefault(target, candidate.info.duty.id)
        kept = [c for c in applied if c.info.duty.id not in displaced_by]
        displaced = [
            out.DisplacedOut(
                id=c.info.duty.id,
                by=displaced_by[c.info.duty.id],
                citation=self._citation(c.info),
                source=c.info.duty.span.location,
            )
            for c in applied
            if c.info.duty.id in displaced_by
        ]
        return kept, displaced

    # ------------------------------------------------------------ rendering

    def _citation(self, info: DutyInfo) -> out.CitationOut:
        cites = info.duty.cites
        instrument = info.instrument
        assert cites is not None
        return out.CitationOut.model_construct(
            instrument=cites.instrument,
            instrument_title=instrument.title if instrument else cites.instrument,
            provision=cites.provision,
            url=cites.url or (instrument.url if instrument else None),
        )

    def _duty_out(self, candidate: Candidate, query: Query, facts: Facts) -> out.DutyOut:
        info = candidate.info
        duty = info.duty
        hook = candidate.hook
        via = self._via(hook, query)
        deadline = duty.deadline
        return out.DutyOut.model_construct(
            id=duty.id,
            modality=duty.modality.value,
            title=duty.title,
            category=duty.category or "",
            jurisdiction=hook.jurisdiction if hook else info.hooks[0].jurisdiction,
            via=via,
            citation=self._citation(info),
            effective=_iso(info.timeline.effective),
            until=_iso(info.timeline.until),
            status=candidate.reading.status,
            deadline=out.DeadlineOut.model_construct(
                amount=deadline.amount,
                unit=deadline.unit.value if deadline.unit else None,
                hours=round(deadline.hours, 3) if deadline.hours is not None else None,
                text=deadline.text,
                description=deadline.description,
            )
            if deadline
            else None,
            scope=info.scope,
            because=self._because(candidate, query, via),
            source=duty.span.location,
            overrides=[t for t, _ in duty.overrides],
            note=duty.note,
        )

    def _via(self, hook: m.Hook | None, query: Query) -> list[str]:
        if hook is None:
            return []
        start = query.user.location if hook.kind == "users_in" else query.service.established_in
        return self.graph.path(start, hook.jurisdiction) if start else []

    def _because(self, candidate: Candidate, query: Query, via: list[str]) -> list[str]:
        reasons: list[str] = []
        hook = candidate.hook
        if hook is not None:
            chain = self._chain(via)
            if hook.kind == "users_in":
                reasons.append(
                    f"the user is located in {query.user.location}, which the law of "
                    f"{hook.jurisdiction} reaches{chain}"
                )
            else:
                reasons.append(
                    f"the service is established in {query.service.established_in}, "
                    f"within {hook.jurisdiction}{chain}"
                )
        reasons.extend(candidate.when.held)
        if candidate.info.duty.unless is not None and candidate.unless.value is False:
            reasons.append("the exception does not apply: " + "; ".join(candidate.unless.failed))
        reading = candidate.reading
        if reading.status == "in_force":
            start = candidate.info.timeline.effective
            reasons.append(f"in force on {query.date}" + (f" (since {start})" if start else ""))
        return reasons

    def _chain(self, via: list[str]) -> str:
        if len(via) < 2:
            return ""
        steps = [
            f"{a} {self.graph.edge_kind(a, b)} {b}" for a, b in zip(via, via[1:], strict=False)
        ]
        return " (" + ", ".join(steps) + ")"

    def _upcoming_out(
        self, candidate: Candidate, query: Query, facts: Facts, end: dt.date
    ) -> out.UpcomingOut:
        base = dict(self._duty_out(candidate, query, facts))
        changes = [
            out.ChangeOut(date=d.isoformat(), change=kind, detail=text)  # type: ignore[arg-type]
            for d, kind, text in candidate.info.timeline.changes(query.date, end)
        ]
        return out.UpcomingOut.model_construct(**base, changes=changes)

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


def _combined(duty: m.Duty) -> m.Condition | None:
    """``when and not unless``: the condition under which the duty binds."""
    parts: list[m.Condition] = []
    if duty.when is not None:
        parts.append(duty.when)
    if duty.unless is not None:
        parts.append(m.Not(span=duty.unless.span, item=duty.unless))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else m.AllOf(span=duty.span, items=tuple(parts))


def _leaves(condition: m.Condition | None) -> list[m.Condition]:
    return list(walk(condition)) if condition is not None else []


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
    return out.ParameterOut(value=value, from_=setting.origin)


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _sorted(items: list[Any], order: dict[str, int]) -> list[Any]:
    return sorted(
        items,
        key=lambda d: (order.get(d.jurisdiction, len(order)), d.jurisdiction, d.category, d.id),
    )


def _conflicts(duties: list[out.DutyOut]) -> list[out.ConflictOut]:
    """A permission and a prohibition of the same category that both apply."""
    by_category: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for duty in duties:
        by_category[duty.category][duty.modality].append(duty.id)
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


__all__ = ["Determiner", "InternalError", "TooComplex", "fact_attribute", "parents"]
