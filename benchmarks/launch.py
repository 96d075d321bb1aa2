"""A launch matrix: every market x every age from 0 to 17 x four variants of a service, the
whole answer for each (because, sources, parameters), on one date.

    python benchmarks/launch.py [--duties 3000]

250 markets x 18 ages x 4 variants = 18,000 determinations over the synthetic library. Goal:
under 1 s. Reported three times: right after loading (nothing cached, durable-rules meeting
its rules for the first time), again with obligate's answer caches emptied (a warm process),
and again with the caches emptied and Python's cyclic garbage collector paused for the run
(it otherwise rescans the answer classes cached so far, again and again).
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import obligate
from obligate.memory import collector_paused
from synthetic import generate

VARIANTS: list[dict[str, Any]] = [
    {"types": ["social_media"], "features": ["user_generated_content", "recommender_system"]},
    {"types": ["social_media"], "features": ["targeted_advertising", "direct_messaging"]},
    {"types": ["messaging"], "features": ["direct_messaging"]},
    {"types": ["game", "video_sharing"], "features": ["in_app_purchases", "livestreaming"]},
]


def matrix(rules: obligate.RuleBase, markets: list[str], date: str) -> tuple[float, int]:
    started = time.perf_counter()
    duties = 0
    for market in markets:
        for age in range(18):
            for variant in VARIANTS:
                answer = rules.determine(variant, {"age": age, "location": market}, date)
                duties += len(answer.duties)
    return time.perf_counter() - started, duties


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duties", type=int, default=3000)
    parser.add_argument("--date", default="2026-06-01")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["OBLIGATE_CACHE_DIR"] = str(Path(work) / "cache")
        graph = generate(Path(work) / "rules", args.duties)
        rules = obligate.load(Path(work) / "rules")
        markets = sorted(graph)
        cells = len(markets) * 18 * len(VARIANTS)
        gc.collect()
        gc.freeze()
        first, duties = matrix(rules, markets, args.date)
        rules._determiner.forget()
        again, _ = matrix(rules, markets, args.date)
        rules._determiner.forget()
        with collector_paused():
            paused, _ = matrix(rules, markets, args.date)
    print(f"{len(markets)} markets x 18 ages x {len(VARIANTS)} variants = {cells:,} answers")
    print(f"({duties:,} duties in all, {args.duties:,} duties in the library)")
    for label, seconds in (
        ("right after loading", first),
        ("caches emptied, warm", again),
        ("caches emptied, collector paused", paused),
    ):
        print(f"{label + ':':34} {seconds:.2f} s ({seconds / cells * 1e6:.0f} µs an answer)")


if __name__ == "__main__":
    main()
