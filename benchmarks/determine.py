"""determine() speed: median and p99 microseconds per call, warm, against durable-rules
driven directly (one rule per duty, assert/retract per query) as the baseline, in one run.

    python benchmarks/determine.py [--duties 3000] [--queries 2000]

Reports three obligate figures: `unseen` (its answer caches emptied after a warm-up pass:
rules fired, conditions explained, answer built), `same class` (another query of an answer
class met before: the class's answer has the query's age and date written in) and `repeat`
(the exact query asked before). benchmarks/peers.py sets obligate against other engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import obligate
from obligate import RuleBase
from synthetic import generate, queries


def timings(call: Callable[[Any], Any], items: list[Any]) -> list[float]:
    result = []
    for item in items:
        started = time.perf_counter_ns()
        call(item)
        result.append((time.perf_counter_ns() - started) / 1000)
    return result


def summary(name: str, values: list[float]) -> tuple[str, float, float]:
    ordered = sorted(values)
    return name, statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


class DurableDirect:
    """The baseline: durable-rules with one rule per duty and flags for types and features."""

    _names = itertools.count()

    def __init__(self, rulebase: RuleBase) -> None:
        from durable import lang

        self.lang = lang
        self.name = f"direct-{next(self._names)}"
        self.hits: dict[str, list[str]] = {}
        self.graph = rulebase.graph
        library = rulebase.compiled.library
        with lang.ruleset(self.name):
            for duty in library.duties.values():
                lang.when_all(self._condition(duty))(self._action(duty.id))
            lang.when_all(+lang.m.kind)(lambda c: None)

    def _condition(self, duty: Any) -> Any:
        from obligate.language import model as m

        lang = self.lang
        instrument_code = duty.cites.instrument.removeprefix("I-")
        expression = (lang.m.kind == "q") & (getattr(lang.m, f"r_{instrument_code}") == True)  # noqa: E712
        for item in duty.when.items:
            if isinstance(item, m.Compare):
                expression = expression & (lang.m.age < item.right.value)
            elif isinstance(item, m.Member):
                alternatives = [getattr(lang.m, f"t_{name}") == True for name in item.names]  # noqa: E712
                combined = alternatives[0]
                for alternative in alternatives[1:]:
                    combined = combined | alternative
                expression = expression & combined
            elif isinstance(item, m.HasFeature):
                expression = expression & (getattr(lang.m, f"f_{item.name}") == True)  # noqa: E712
        return expression & (lang.m.day >= duty.effective.toordinal())

    def _action(self, duty_id: str) -> Callable[[Any], None]:
        def fired(context: Any) -> None:
            self.hits[context.m.sid].append(duty_id)

        return fired

    def answer(self, query: tuple[dict[str, Any], dict[str, Any], str]) -> list[str]:
        service, user, date = query
        sid = "q"  # one session, the fact asserted and retracted: a new session per query
        self.hits[sid] = []  # costs time in proportion to the number of rules
        fact: dict[str, Any] = {"sid": sid, "kind": "q", "age": user["age"],
                                "day": dt.date.fromisoformat(date).toordinal()}
        fact.update({f"t_{t}": True for t in service["types"]})
        fact.update({f"f_{f}": True for f in service["features"]})
        fact.update({f"r_{code}": True for code in self.graph.reach(user["location"])})
        self.lang.assert_fact(self.name, fact)
        self.lang.retract_fact(self.name, fact)
        return sorted(set(self.hits.pop(sid)))  # an OR of types fires once per match


def run(
    label: str,
    rulebase: RuleBase,
    workload: list[Any],
    direct: bool,
    gc_threshold: tuple[int, ...] = (),
) -> None:
    warm = RuleBase(rulebase.compiled, cache=True)
    for query in workload:
        warm.determine(*query)  # warm up: durable-rules has met every rule it will fire
    warm._determiner.forget()
    gc.collect()
    gc.freeze()  # what a server does after loading: the collector stops rescanning it
    if gc_threshold:
        gc.set_threshold(*gc_threshold)
    rows = [summary("obligate determine, unseen", timings(lambda q: warm.determine(*q), workload))]
    # same answer class, different query: shift the date by a day
    shifted = [(s, u, (dt.date.fromisoformat(d) + dt.timedelta(days=1)).isoformat())
               for s, u, d in workload]
    rows.append(summary("obligate determine, same class",
                        timings(lambda q: warm.determine(*q), shifted)))
    rows.append(summary("obligate determine, repeat",
                        timings(lambda q: warm.determine(*q), workload)))
    if direct:
        baseline = DurableDirect(rulebase)
        for query in workload[:50]:
            baseline.answer(query)
        rows.append(summary("durable-rules direct", timings(baseline.answer, workload)))
        answers = RuleBase(rulebase.compiled, cache=False)
        mismatches = sum(
            1 for q in workload[:300]
            if baseline.answer(q) != sorted(d.id for d in answers.determine(*q).duties))
        print(f"  answers checked equal to obligate on 300 queries: {300 - mismatches} agree")
    print(f"\n{label}")
    reference = rows[-1][1] if direct else None
    print(f"  {'engine':40} {'median µs':>10} {'p99 µs':>10} {'ratio':>8}")
    for name, median, p99 in rows:
        ratio = f"{reference / median:7.1f}x" if reference else ""
        print(f"  {name:40} {median:10.1f} {p99:10.1f} {ratio:>8}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duties", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--gc-threshold",
        default="20000,20,100",
        help="the collector's thresholds while answers are timed (as benchmarks/peers.py); "
        "'' leaves Python's default",
    )
    args = parser.parse_args()
    threshold = tuple(int(x) for x in args.gc_threshold.split(",") if x)
    root = Path(__file__).resolve().parents[1]
    shipped = obligate.load(root / "rules")
    places = sorted(shipped.jurisdictions)
    sample = [(s, {"age": u["age"], "location": places[i % len(places)]}, d)
              for i, (s, u, d) in enumerate(queries({p: [] for p in places}, args.queries))]
    run(f"shipped rules ({len(shipped.duties)} duties)", shipped, sample, False, threshold)
    with tempfile.TemporaryDirectory() as work:
        os.environ["OBLIGATE_CACHE_DIR"] = str(Path(work) / "cache")
        graph = generate(Path(work) / "rules", args.duties)
        synthetic = obligate.load(Path(work) / "rules")
        run(f"synthetic ({args.duties:,} duties, 250 jurisdictions)", synthetic,
            queries(graph, args.queries), True, threshold)
    print("\nratio: durable-rules direct median / this row's median (higher is faster)")


if __name__ == "__main__":
    main()
