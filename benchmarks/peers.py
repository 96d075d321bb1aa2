"""Peers, side by side, in one run: obligate's ``determine`` against durable-rules driven
directly, GoRules zen-engine, clingo, a plain Python scan and an indexed Python baseline, all
answering the same synthetic workload.

    python benchmarks/peers.py                                   # every engine and size
    python benchmarks/peers.py --sizes 300 --queries 300 --engines scan,indexed,obligate

The workload (synthetic.py): 250 jurisdictions (a 27-member union, a 50-state federation, two
treaties), R duties each tied to one jurisdiction and reaching its members, with an age
threshold between 13 and 18, a set of service types, 0-2 feature flags and an effective date.
A query is a service profile, an age, a location and a date; the answer is the full set of
duties that apply (not the first match). Every engine's answers are checked equal to the plain
scan's on every query.

Each engine and size runs in a fresh process, so that its peak memory (ru_maxrss) is its own;
it builds (compile time), answers every query once to warm up, freezes the garbage collector's
view of what it built (``gc.freeze``, as a server would after loading) and then answers every
query again, timed one by one (``--clock cpu``: the CPU time of the answering thread, which
a loaded machine disturbs less than the wall clock), with the collector's thresholds of
``--gc-threshold`` (a server answering many queries would raise them from the default 700,
whose young collections then also walk the caches the answers fill). obligate is measured
three ways: *unseen class* (its answer caches emptied after the warm-up: durable-rules runs
for every query and the answer is built and explained from scratch), *seen class* (another
query of the same answer class: another age in the same band, or another date between the
same changes, so the answer is only re-rendered) and *repeat* (the same query again, from
the answer cache).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthetic import TYPES, Corpus, Duty, corpus, generate, profile_queries, profiles, reach

ENGINES = ["obligate", "durable", "durable-agenda", "zen", "clingo", "scan", "indexed"]
SIZES = [300, 3000, 10_000]


@dataclass(frozen=True)
class Query:
    types: tuple[str, ...]
    features: tuple[str, ...]
    age: int
    location: str
    date: str

    @property
    def day(self) -> int:
        return dt.date.fromisoformat(self.date).toordinal()


def workload(data: Corpus, count: int, services_per_query: bool = True) -> list[Query]:
    """The queries: by default every query a service of its own (its own types and
    features, so no two queries share an answer class); with ``services_per_query`` off,
    one of 40 service profiles (the workload of the earlier tables)."""
    services = profiles(count) if services_per_query else profiles()
    return [
        Query(
            tuple(services[p]["types"]),
            tuple(services[p]["features"]),
            age,
            location,
            date,
        )
        for p, age, location, date in (
            (n if services_per_query else p, age, location, date)
            for n, (p, age, location, date) in enumerate(
                profile_queries(data.graph, count, services)
            )
        )
    ]


# ---------------------------------------------------------------- the floor


class Scan:
    """Every duty, every condition, every query: the reference answer."""

    def build(self, data: Corpus, folder: Path) -> None:
        self.graph = data.graph
        self.duties = [
            (d.id, d.jurisdiction, d.age, frozenset(d.types), d.features, d.effective.toordinal())
            for d in data.duties
        ]

    def answer(self, query: Query) -> frozenset[str]:
        here = set(reach(self.graph, query.location))
        types, features, day = set(query.types), set(query.features), query.day
        return frozenset(
            duty_id
            for duty_id, jurisdiction, age, duty_types, duty_features, effective in self.duties
            if jurisdiction in here
            and query.age < age
            and effective <= day
            and not duty_types.isdisjoint(types)
            and all(f in features for f in duty_features)
        )


class Indexed:
    """Duties bucketed by jurisdiction and age band: the practical floor."""

    def build(self, data: Corpus, folder: Path) -> None:
        self.reach = {code: reach(data.graph, code) for code in data.graph}
        self.thresholds = sorted({d.age for d in data.duties})
        buckets: dict[tuple[str, int], list[tuple[str, frozenset[str], tuple[str, ...], int]]]
        buckets = defaultdict(list)
        for d in data.duties:
            entry = (d.id, frozenset(d.types), d.features, d.effective.toordinal())
            # the duty applies in every age band below its threshold
            for band in range(bisect.bisect_right(self.thresholds, d.age - 1) + 1):
                buckets[(d.jurisdiction, band)].append(entry)
        self.buckets = dict(buckets)

    def band(self, age: int) -> int:
        return bisect.bisect_right(self.thresholds, age)

    def answer(self, query: Query) -> frozenset[str]:
        band, day = self.band(query.age), query.day
        types, features = set(query.types), set(query.features)
        found = []
        for code in self.reach[query.location]:
            for duty_id, duty_types, duty_features, effective in self.buckets.get((code, band), ()):
                if (
                    effective <= day
                    and not duty_types.isdisjoint(types)
                    and all(f in features for f in duty_features)
                ):
                    found.append(duty_id)
        return frozenset(found)


# ---------------------------------------------------------------- durable-rules


class Durable:
    """durable-rules driven directly, at its best encoding: one rule per distinct condition
    (shared by the duties that have it), types and features as boolean flags (membership
    tests on an array attribute hang its compiler past about 510), the most selective test
    first, rulesets of at most 4,000 rules, and one long-lived session per ruleset into which
    each query's fact is asserted and from which it is retracted (a session per query costs
    time in proportion to the number of rules). Driven through its documented Python API
    (``lang.assert_fact``), which runs each fired rule's action through its host."""

    _names = itertools.count()

    def build(self, data: Corpus, folder: Path) -> None:
        from durable import lang

        self.lang = lang
        self.graph = data.graph
        self.hits: set[str] = set()
        by_condition: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for d in data.duties:
            key = (d.jurisdiction, d.age, d.effective.toordinal(), d.types, d.features)
            by_condition[key].append(d.id)
        conditions = sorted(by_condition.items())
        self.rulesets = []
        self.rule_ids: list[dict[str, list[str]]] = []  # per ruleset: rule name -> duty ids
        for start in range(0, len(conditions), 4000):
            name = f"direct-{next(self._names)}"
            chunk = conditions[start : start + 4000]
            with lang.ruleset(name):
                for key, ids in chunk:
                    lang.when_all(lang.c.q << self._condition(*key))(self._action(ids))
                lang.when_all(lang.c.any << +lang.m.kind, lang.c.none << +lang.m.never)(_nothing)
            self.rulesets.append(name)
            self.rule_ids.append({f"r_{i}": ids for i, (_key, ids) in enumerate(chunk)})
        lang.get_host()  # compiles the rulesets

    def _condition(
        self,
        jurisdiction: str,
        age: int,
        effective: int,
        types: tuple[str, ...],
        features: tuple[str, ...],
    ) -> Any:
        m = self.lang.m
        test = (m.kind == "q") & (getattr(m, f"r_{_safe(jurisdiction)}") == True)  # noqa: E712
        test = test & (m.age < age)
        for feature in features:
            test = test & (getattr(m, f"f_{feature}") == True)  # noqa: E712
        alternatives = [getattr(m, f"t_{t}") == True for t in types]  # noqa: E712
        either = alternatives[0]
        for alternative in alternatives[1:]:
            either = either | alternative
        # The date last: a fact that passes more than 64 sibling tests at one point of the
        # network overflows durable-rules' matching stack (error 303), and nearly every
        # date test passes, so they must sit where few rules still share the path.
        return test & either & (m.day >= effective)

    def _action(self, ids: list[str]) -> Callable[[Any], None]:
        def fired(context: Any) -> None:
            self.hits.update(ids)

        return fired

    def answer(self, query: Query) -> frozenset[str]:
        self.hits = set()
        fact: dict[str, Any] = {"sid": "q", "kind": "q", "age": query.age, "day": query.day}
        fact.update({f"t_{t}": True for t in query.types})
        fact.update({f"f_{f}": True for f in query.features})
        fact.update({f"r_{_safe(c)}": True for c in reach(self.graph, query.location)})
        for name in self.rulesets:
            self.lang.assert_fact(name, fact)
            self.lang.retract_fact(name, fact)
        return frozenset(self.hits)


class DurableAgenda(Durable):
    """The same rules, with each query's agenda run straight from durable-rules' C engine
    (``start_action_for_state`` / ``complete_and_start_action``), as obligate's engine runs
    it: its Python host spends several times the match on each fired rule's action."""

    def build(self, data: Corpus, folder: Path) -> None:
        super().build(data, folder)
        host = self.lang.get_host()
        self.handles = []
        for name in self.rulesets:
            ruleset = host.get_ruleset(name)
            ruleset.dispatch = ruleset.dispatch_timers = lambda: None  # no background runs
            self.handles.append(ruleset._handle)

    def answer(self, query: Query) -> frozenset[str]:
        import durable_rules_engine as engine

        fact: dict[str, Any] = {"sid": "q", "kind": "q", "age": query.age, "day": query.day}
        fact.update({f"t_{t}": True for t in query.types})
        fact.update({f"f_{f}": True for f in query.features})
        fact.update({f"r_{_safe(c)}": True for c in reach(self.graph, query.location)})
        text = json.dumps(fact)
        hits: set[str] = set()
        for handle, ids in zip(self.handles, self.rule_ids, strict=True):
            for change in (engine.assert_fact, engine.retract_fact):
                state = change(handle, text)[1]  # run each change's agenda before the next
                started = engine.start_action_for_state(handle, state)
                message = started[1] if started else None
                while message:
                    hits.update(ids[message[2 : message.index('"', 2)]])
                    message = engine.complete_and_start_action(handle, state)
        return frozenset(hits)


def _nothing(context: Any) -> None:
    """The catch-all joins a fact that never exists: it never fires."""


def _safe(code: str) -> str:
    return code.replace("-", "_")


# ---------------------------------------------------------------- zen-engine


class Zen:
    """GoRules zen-engine: decision tables with the collect hit policy, each built once with
    ``create_decision`` and evaluated directly (evaluating by key through a loader parses
    the decision again on every call). Encodings (``--zen-encoding``):

    - ``places`` (its best, the default): one table per location, holding the duties whose
      law reaches it, chosen by the query's location as a loader key would be;
    - ``table``: one table for every duty, the location's reach tested with ``contains``;
    - ``rows``: equality on the location and on flag columns, one row per duty, place it
      reaches and type that satisfies it.

    Within a table each duty is one row: ``< age``, ``>= day``, and ``contains`` tests on
    the query's types and features."""

    def __init__(self, encoding: str = "places") -> None:
        self.encoding = encoding

    def build(self, data: Corpus, folder: Path) -> None:
        import zen

        engine = zen.ZenEngine()
        self.reach = {code: reach(data.graph, code) for code in data.graph}
        if self.encoding == "places":
            members = data.members()
            by_place: dict[str, list[Duty]] = defaultdict(list)
            for d in data.duties:
                for place in members[d.jurisdiction]:
                    by_place[place].append(d)
            self.decisions = {
                place: engine.create_decision(json.dumps(self._lists(by_place.get(place, []))))
                for place in data.graph
            }
        else:
            content = self._rows(data) if self.encoding == "rows" else self._lists(data.duties)
            decision = engine.create_decision(json.dumps(content))
            self.decisions = {place: decision for place in data.graph}
        self.answer(Query(("game",), (), 10, "SU", "2020-01-01"))

    def _table(self, inputs: list[dict[str, str]], rules: list[dict[str, str]]) -> dict[str, Any]:
        node = {"schema": ""}
        return {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "Request", "content": node},
                {
                    "id": "duties",
                    "type": "decisionTableNode",
                    "name": "Duties",
                    "content": {
                        "hitPolicy": "collect",
                        "inputs": inputs,
                        "outputs": [{"id": "duty", "name": "Duty", "field": "duty"}],
                        "rules": rules,
                    },
                },
                {"id": "out", "type": "outputNode", "name": "Response", "content": node},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "duties", "type": "edge"},
                {"id": "e2", "sourceId": "duties", "targetId": "out", "type": "edge"},
            ],
        }

    def _lists(self, duties: list[Duty]) -> dict[str, Any]:
        inputs = [
            {"id": "reach", "name": "Reach", "field": "reach"},
            {"id": "age", "name": "Age", "field": "age"},
            {"id": "day", "name": "Day", "field": "day"},
            {"id": "types", "name": "Types", "field": "types"},
            {"id": "features", "name": "Features", "field": "features"},
        ]
        rules = []
        for d in duties:
            rules.append(
                {
                    "_id": d.id,
                    "reach": f"contains($, {json.dumps(d.jurisdiction)})",
                    "age": f"< {d.age}",
                    "day": f">= {d.effective.toordinal()}",
                    "types": " or ".join(f"contains($, {json.dumps(t)})" for t in d.types),
                    "features": " and ".join(f"contains($, {json.dumps(f)})" for f in d.features),
                    "duty": json.dumps(d.id),
                }
            )
        return self._table(inputs, rules)

    def _rows(self, data: Corpus) -> dict[str, Any]:
        flags = [f"t_{t}" for t in TYPES]
        flags += [f"f_{f}" for f in sorted({f for d in data.duties for f in d.features})]
        inputs = [
            {"id": "location", "name": "Location", "field": "location"},
            {"id": "age", "name": "Age", "field": "age"},
            {"id": "day", "name": "Day", "field": "day"},
            *({"id": flag, "name": flag, "field": flag} for flag in flags),
        ]
        members = data.members()
        rules = []
        for d in data.duties:
            for place in sorted(members[d.jurisdiction]):
                for kind in d.types:
                    rule = {
                        "_id": f"{d.id}-{place}-{kind}",
                        "location": json.dumps(place),
                        "age": f"< {d.age}",
                        "day": f">= {d.effective.toordinal()}",
                        f"t_{kind}": "true",
                        "duty": json.dumps(d.id),
                    }
                    rule.update({f"f_{f}": "true" for f in d.features})
                    rules.append(rule)
        return self._table(inputs, rules)

    def _context(self, query: Query) -> dict[str, Any]:
        context: dict[str, Any] = {
            "location": query.location,
            "reach": list(self.reach.get(query.location, ())),
            "age": query.age,
            "day": query.day,
            "types": list(query.types),
            "features": list(query.features),
        }
        if self.encoding == "rows":
            context.update({f"t_{t}": True for t in query.types})
            context.update({f"f_{f}": True for f in query.features})
        return context

    def answer(self, query: Query) -> frozenset[str]:
        decision = self.decisions[query.location]
        result = decision.evaluate(self._context(query))["result"]
        return frozenset(row["duty"] for row in result)


# ---------------------------------------------------------------- clingo


class Clingo:
    """clingo, grounded once with the query as external atoms (multi-shot solving): each
    query switches a handful of externals on, solves, reads the one model and switches them
    off again. Dates and ages enter as positions on chains, so that grounding stays linear
    in the number of duties."""

    def build(self, data: Corpus, folder: Path) -> None:
        import clingo

        self.clingo = clingo
        self.dates = sorted({d.effective for d in data.duties})
        facts = []
        for code, parents in data.graph.items():
            facts.append(f"place({_atom(code)}).")
            facts.extend(f"parent({_atom(code)},{_atom(p)})." for p in parents)
        for d in data.duties:
            position = bisect.bisect_left(self.dates, d.effective) + 1
            facts.append(f"duty({_atom(d.id)},{_atom(d.jurisdiction)},{d.age},{position}).")
            facts.extend(f"dtype({_atom(d.id)},{_atom(t)})." for t in d.types)
            facts.extend(f"dfeat({_atom(d.id)},{_atom(f)})." for f in d.features)
        facts.extend(f"tname({_atom(t)})." for t in TYPES)
        facts.extend(
            f"fname({_atom(f)})." for f in sorted({f for d in data.duties for f in d.features})
        )
        program = "\n".join(facts) + f"\nlast({len(self.dates)}).\n" + _CLINGO_PROGRAM
        self.control = clingo.Control(["--warn=none"])
        self.control.add("base", [], program)
        self.control.ground([("base", [])])

    def answer(self, query: Query) -> frozenset[str]:
        fn = self.clingo.Function
        position = bisect.bisect_right(self.dates, dt.date.fromisoformat(query.date))
        switched = [
            fn("at", [fn(_atom(query.location))]),
            fn("age", [self.clingo.Number(query.age)]),
            fn("upto", [self.clingo.Number(position)]),
            *(fn("type", [fn(_atom(t))]) for t in query.types),
            *(fn("feature", [fn(_atom(f))]) for f in query.features),
        ]
        for atom in switched:
            self.control.assign_external(atom, True)
        found: set[str] = set()
        with self.control.solve(yield_=True) as handle:
            for model in handle:
                found.update(_unatom(s.arguments[0].name) for s in model.symbols(shown=True))
        for atom in switched:
            self.control.assign_external(atom, False)
        return frozenset(found)


_CLINGO_PROGRAM = """
agev(0..130).
position(0..N) :- last(N).
#external at(L) : place(L).
#external age(A) : agev(A).
#external upto(K) : position(K).
#external type(T) : tname(T).
#external feature(F) : fname(F).
reach(L, L) :- place(L).
reach(L, P) :- reach(L, C), parent(C, P).
inreach(J) :- at(L), reach(L, J).
threshold(N) :- duty(_, _, N, _).
younger(N) :- age(A), threshold(N), A < N.
dated(K) :- upto(K), position(K), K > 0.
dated(K) :- dated(K + 1), position(K), K > 0.
typed(D) :- dtype(D, T), type(T).
missing(D) :- dfeat(D, F), not feature(F).
applies(D) :- duty(D, J, N, K), inreach(J), younger(N), dated(K), typed(D), not missing(D).
#show applies/1.
"""


def _atom(name: str) -> str:
    return "x" + name.lower().replace("-", "_")


def _unatom(atom: str) -> str:
    return atom[1:].upper().replace("_", "-")


# ---------------------------------------------------------------- obligate


class Obligate:
    """obligate's ``determine``: the complete answer (because, sources, parameters), of
    which the check reads the ids of the duties that apply."""

    def build(self, data: Corpus, folder: Path) -> None:
        import obligate

        os.environ["OBLIGATE_CACHE_DIR"] = str(folder.parent / "cache")
        self.rules = obligate.load(folder, use_cache=False)
        self.determiner = self.rules._determiner
        self.answer(Query(("game",), (), 10, "SU", "2020-01-01"))  # durable-rules compiles

    def answer(self, query: Query) -> frozenset[str]:
        answer = self.rules.determine(
            {"types": list(query.types), "features": list(query.features)},
            {"age": query.age, "location": query.location},
            query.date,
        )
        return frozenset(d.id for d in answer.duties)

    def forget(self) -> None:
        self.determiner.forget()

    def sibling(self, query: Query) -> Query | None:
        """Another query of the same answer class (another age in the band, or another date
        between the same changes), or None when the class holds no other."""
        own = self._class(query)
        for age, shift in [(query.age + d, 0) for d in (1, -1, 2, -2)] + [
            (query.age, d) for d in (1, -1, 7, -7, 30, -30)
        ]:
            if not 0 <= age <= 130:
                continue
            date = (dt.date.fromisoformat(query.date) + dt.timedelta(days=shift)).isoformat()
            other = Query(query.types, query.features, age, query.location, date)
            if other != query and self._class(other) == own:
                return other
        return None

    def _class(self, query: Query) -> tuple[Any, ...]:
        checked = self.rules.query(
            {"types": list(query.types), "features": list(query.features)},
            {"age": query.age, "location": query.location},
            query.date,
        )
        return self.determiner.answer_class(checked)


def make(engine: str, zen_encoding: str = "places") -> Any:
    return {
        "obligate": Obligate,
        "durable": Durable,
        "durable-agenda": DurableAgenda,
        "zen": lambda: Zen(zen_encoding),
        "clingo": Clingo,
        "scan": Scan,
        "indexed": Indexed,
    }[engine]()


# ---------------------------------------------------------------- one engine, one size


CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}
DEFAULT_GC_THRESHOLD = "20000,20,100"


def timed(
    answer: Callable[[Query], frozenset[str]], queries: list[Query], clock_name: str = "wall"
) -> tuple[list[float], list[frozenset[str]]]:
    times, answers = [], []
    clock = CLOCKS[clock_name]
    for query in queries:
        started = clock()
        found = answer(query)
        times.append((clock() - started) / 1000)
        answers.append(found)
    return times, answers


def summary(label: str, times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "label": label,
        "median_us": statistics.median(ordered),
        "p99_us": ordered[max(0, int(len(ordered) * 0.99) - 1)],
        "queries": len(ordered),
    }


def worker(
    engine: str,
    duties: int,
    count: int,
    folder: Path,
    zen_encoding: str,
    per_query: bool,
    clock: str = "wall",
    gc_threshold: tuple[int, ...] = (),
) -> dict[str, Any]:
    data = corpus(duties)
    queries = workload(data, count, per_query)
    reference = Scan()
    reference.build(data, folder)
    expected = [reference.answer(q) for q in queries]
    peer = make(engine, zen_encoding)
    started = time.perf_counter()
    peer.build(data, folder)
    compile_s = time.perf_counter() - started
    mismatches = 0

    def check(answers: Iterable[frozenset[str]], wanted: Iterable[frozenset[str]]) -> None:
        nonlocal mismatches
        mismatches += sum(1 for got, want in zip(answers, wanted, strict=True) if got != want)

    _, warm = timed(peer.answer, queries)
    check(warm, expected)
    rows = []
    if engine == "obligate":
        peer.forget()
    gc.collect()
    gc.freeze()
    if gc_threshold:
        gc.set_threshold(*gc_threshold)
    times, answers = timed(peer.answer, queries, clock)
    check(answers, expected)
    rows.append(summary("unseen class" if engine == "obligate" else engine, times))
    if engine == "obligate":
        pairs = [(q, peer.sibling(q)) for q in queries]
        siblings = [s for _q, s in pairs if s is not None]
        wanted = [reference.answer(s) for s in siblings]
        times, answers = timed(peer.answer, siblings, clock)
        check(answers, wanted)
        rows.append(summary("seen class", times))
        times, answers = timed(peer.answer, queries, clock)
        check(answers, expected)
        rows.append(summary("repeat", times))
    return {
        "engine": engine,
        "duties": duties,
        "compile_s": compile_s,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mismatches": mismatches,
        "answer_size": statistics.mean(len(a) for a in expected),
        "rows": rows,
        "clock": clock,
    }


# ---------------------------------------------------------------- the run


def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as work:
        for duties in args.sizes:
            folder = Path(work) / f"rules-{duties}"
            generate(folder, duties)
            for engine in args.engines:
                if engine == "clingo" and duties > args.clingo_max:
                    continue
                command = [
                    sys.executable,
                    __file__,
                    "--worker",
                    engine,
                    "--duties",
                    str(duties),
                    "--queries",
                    str(args.queries),
                    "--folder",
                    str(folder),
                    "--zen-encoding",
                    args.zen_encoding,
                    "--clock",
                    args.clock,
                    "--gc-threshold",
                    args.gc_threshold,
                    *(["--profiles"] if args.profiles else []),
                ]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(f"{engine} at {duties}: failed\n{done.stderr}", file=sys.stderr)
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                results.append(result)
                for row in result["rows"]:
                    print(
                        f"{duties:>6} {engine:9} {row['label']:14}"
                        f" median {row['median_us']:9.1f} µs"
                        f"  p99 {row['p99_us']:9.1f} µs  compile {result['compile_s']:6.2f} s"
                        f"  peak {result['peak_mb']:6.0f} MB  mismatches {result['mismatches']}",
                        file=sys.stderr,
                    )
    return results


def table(results: list[dict[str, Any]]) -> str:
    """The markdown table of docs/performance.md, ratios to obligate at each size."""
    lines = [
        "| duties | engine | median µs | p99 µs | compile + build s | peak MB | "
        "median / obligate unseen | median / obligate seen | answers ≠ scan |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_size: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_size[result["duties"]].append(result)
    for duties in sorted(by_size):
        reference: dict[str, float] = {}
        for result in by_size[duties]:
            if result["engine"] == "obligate":
                reference = {row["label"]: row["median_us"] for row in result["rows"]}
        for result in by_size[duties]:
            for row in result["rows"]:
                name = result["engine"]
                if name == "obligate":
                    name = f"obligate, {row['label']}"
                unseen = reference.get("unseen class")
                seen = reference.get("seen class")
                lines.append(
                    f"| {duties:,} | {name} | {_fmt(row['median_us'])} | {_fmt(row['p99_us'])} "
                    f"| {result['compile_s']:.2f} | {result['peak_mb']:.0f} "
                    f"| {_ratio(row['median_us'], unseen)} | {_ratio(row['median_us'], seen)} "
                    f"| {result.get('mismatches', 0)} |"
                )
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:,.1f}x" if reference else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=SIZES)
    parser.add_argument("--engines", type=lambda s: s.split(","), default=ENGINES)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--clingo-max", type=int, default=10_000, help="largest size for clingo")
    parser.add_argument("--zen-encoding", choices=["places", "table", "rows"], default="places")
    parser.add_argument(
        "--profiles",
        action="store_true",
        help="queries share 40 service profiles (default: every query a service of its own)",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="time answers by the wall clock or by the answering thread's CPU time",
    )
    parser.add_argument(
        "--gc-threshold",
        default=DEFAULT_GC_THRESHOLD,
        help="the collector's thresholds while answers are timed (gc.set_threshold); "
        "'' leaves Python's default",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--duties", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(
            json.dumps(
                worker(
                    args.worker,
                    args.duties,
                    args.queries,
                    args.folder,
                    args.zen_encoding,
                    not args.profiles,
                    args.clock,
                    tuple(int(x) for x in args.gc_threshold.split(",") if x),
                )
            )
        )
        return
    results = run_all(args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
