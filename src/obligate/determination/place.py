"""The place step: what holds for one service at one location, whatever the age and the
date: whose law reaches the user and the service, and the engine's flat fact for them.

A flag that is false is left out of a fact unless some rule asks for it to be false: the
fewer attributes a fact has, the less durable-rules spends matching it and handing it to
actions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from obligate.determination.caches import Memory, Nested, bounded
from obligate.determination.period import flat_parameters
from obligate.determination.query import Query
from obligate.engine.evaluate import Facts
from obligate.engine.forms import AGE
from obligate.engine.rules import RulePlan, safe
from obligate.graph.jurisdictions import JurisdictionGraph


@dataclass(frozen=True)
class Location:
    """Where the user is: whose law reaches it."""

    code: str
    reach: tuple[str, ...]
    flat: dict[str, Any]
    parameter_dates: tuple[dt.date, ...]
    hook_rank: dict[tuple[str, str], int]
    order: dict[str, int]


@dataclass(frozen=True)
class Establishment:
    """Where the service is established (None: the query does not say)."""

    code: str | None
    reach: frozenset[str] | None
    flat: dict[str, Any]
    hooks: tuple[tuple[str, str], ...]


@dataclass
class Place:
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
    periods: Nested = field(default_factory=dict)  # parameter slot -> Period


class Places:
    """Builds and remembers places, and flattens a query's facts for the engine."""

    def __init__(self, graph: JurisdictionGraph, plan: RulePlan, memory: Memory) -> None:
        self.graph = graph
        self.plan = plan
        self.flags = FlagAttributes(plan)
        self.memory = memory
        self.places = bounded()
        self.locations = bounded()
        self.establishments = bounded()

    def clear(self) -> None:
        """Forget every place (and with them every period, class and view)."""
        self.places = bounded()

    def forget(self) -> None:
        self.clear()
        self.locations = bounded()
        self.establishments = bounded()

    # ------------------------------------------------------------ facts

    def facts(self, query: Query) -> tuple[Facts, tuple[str, ...]]:
        service = service_facts(query)
        user = query.user.model_dump(exclude_none=True)
        reach = self.graph.reach(query.user.location)
        established = query.service.established_in
        established_reach = frozenset(self.graph.reach(established)) if established else None
        parameters = self.graph.parameters(query.user.location, query.date)
        return Facts(service, user, parameters, established_reach), reach

    def flatten(self, facts: Facts, reach: Iterable[str]) -> dict[str, Any]:
        """The query as one flat durable-rules fact (only attributes some rule reads)."""
        flat = self.flat_service(facts.service)
        flat.update(self.flat_location(tuple(reach)))
        flat.update(self.flat_established(facts.established_reach))
        flat.update(flat_parameters(self.flags, facts.parameters))
        age = facts.user.get("age")
        if age is not None and AGE in self.plan.attributes:
            flat[AGE] = age
        return flat

    def flat_service(self, service: Mapping[str, Any]) -> dict[str, Any]:
        """The engine's attributes for a service's facts (not where it is established)."""
        flags = self.flags
        flat: dict[str, Any] = {}
        for name, value in service.items():
            if name in ("types", "features"):
                flags.set_members(flat, "t_" if name == "types" else "f_", value)
                continue
            if name == "established_in":
                continue  # flat_established
            attr = f"s_{safe(name)}"
            if isinstance(value, dict):
                for code, count in value.items():
                    flags.put(flat, f"{attr}__{safe(code)}", count)
            elif isinstance(value, tuple):
                flags.set_members(flat, f"{attr}__has_", value)
            else:
                flags.put(flat, attr, value)
        return flat

    def flat_location(self, reach: tuple[str, ...]) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        self.flags.set_members(flat, "u_location__in_", reach)
        for code in reach:
            self.flags.put(flat, f"r_{safe(code)}", True)
        return flat

    def flat_established(self, established_reach: frozenset[str] | None) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        if established_reach is not None:
            self.flags.set_members(flat, "s_established_in__in_", established_reach)
            for code in established_reach:
                self.flags.put(flat, f"e_{safe(code)}", True)
        return flat

    # ------------------------------------------------------------ the place step

    def place(self, service_key: str, query: Query) -> Place:
        key = (service_key, query.user.location)
        places = self.places
        found: Place | None = self.memory.find(places, key)
        if found is None:
            found = self.new_place(query)
            self.memory.keep(places, key, found)
        return found

    def new_place(self, query: Query) -> Place:
        service = service_facts(query)
        location = self.location(query.user.location)
        established = self.establishment(query.service.established_in)
        rank = location.hook_rank
        if established.hooks:
            rank = dict(rank)
            for key in established.hooks:
                rank[key] = len(rank)
        return Place(
            service=service,
            location=location.code,
            established_in=established.code,
            reach=location.reach,
            established_reach=established.reach,
            flat={**self.flat_service(service), **location.flat, **established.flat},
            parameter_dates=location.parameter_dates,
            hook_rank=rank,
            echo={k: list(v) if isinstance(v, tuple) else v for k, v in sorted(service.items())},
            order=location.order,
        )

    def location(self, code: str) -> Location:
        found: Location | None = self.memory.find(self.locations, code)
        if found is None:
            reach = self.graph.reach(code)
            found = Location(
                code=code,
                reach=reach,
                flat=self.flat_location(reach),
                parameter_dates=self._parameter_dates(reach),
                hook_rank={("users_in", c): rank for rank, c in enumerate(reach)},
                order={c: rank for rank, c in enumerate(reach)},
            )
            self.memory.keep(self.locations, code, found)
        return found

    def establishment(self, code: str | None) -> Establishment:
        found: Establishment | None = self.memory.find(self.establishments, code)
        if found is None:
            reach = frozenset(self.graph.reach(code)) if code else None
            found = Establishment(
                code=code,
                reach=reach,
                flat=self.flat_established(reach),
                hooks=tuple(("established_in", c) for c in sorted(reach or ())),
            )
            self.memory.keep(self.establishments, code, found)
        return found

    def _parameter_dates(self, reach: Iterable[str]) -> tuple[dt.date, ...]:
        dates = {
            value.since
            for code in reach
            for value in self.graph.nodes[code].parameters
            if value.since is not None
        }
        return tuple(sorted(dates))


class FlagAttributes:
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


def service_facts(query: Query) -> dict[str, Any]:
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
