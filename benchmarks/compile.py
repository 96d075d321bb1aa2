"""Compile speed: rules compiled per second, cold and from the cache.

    python benchmarks/compile.py [--duties 10000]

Goals (issue 2): a cold compile of 10,000 duties over 250 jurisdictions in under 2 s on a
2-core machine, and a reload of the unchanged corpus in under 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from obligate.language.compiler import compile_paths
from synthetic import generate


def measure(folder: Path, use_cache: bool, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        compile_paths([folder], use_cache=use_cache)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duties", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["OBLIGATE_CACHE_DIR"] = str(Path(work) / "cache")
        folder = Path(work) / "rules"
        generate(folder, args.duties)
        cold = measure(folder, use_cache=False, repeat=args.repeat)
        compile_paths([folder], use_cache=True)  # fill the cache
        warm = measure(folder, use_cache=True, repeat=args.repeat)
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    print(f"duties: {args.duties:,} over 250 jurisdictions")
    print(f"cold compile: {cold_s:.2f} s ({args.duties / cold_s:,.0f} duties/s)")
    print(f"cached reload: {warm_s:.3f} s ({args.duties / warm_s:,.0f} duties/s)")
    print(f"cold / cached: {cold_s / warm_s:.1f}x")


if __name__ == "__main__":
    main()
