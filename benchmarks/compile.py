"""Compile and build cost: cold compile, determiner build and cached reload, each measured in
a fresh process, as CPU time and memory, for one or more interpreters side by side.

    python benchmarks/compile.py [--duties 10000] [--repeat 3] [--python OTHER/.venv/bin/python]

Each ``--python`` is another checkout's interpreter (its own editable install of obligate):
the runs alternate between them, so old and new code are measured under the same load. A
fresh process per measurement keeps one measurement's caches and heap out of the next.

Goals (issue 17), at 10,000 duties: cold compile + build at most 3 s, cached reload at most
0.2 s, peak memory at most 200 MB. After the build, one query in each of the library's places
runs every durable-rules ruleset, which the engine makes on first use.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, folder: str) -> dict[str, float]:
    """One measurement, in this (fresh) process: ``cold`` compiles without the compile cache
    and builds the determiner; ``reload`` reads the compiled library back from the cache."""
    from obligate.determination.rulebase import RuleBase
    from obligate.language.compiler import compile_paths

    gc.collect()
    before = _rss_mb()
    started = time.process_time()
    compiled = compile_paths([folder], use_cache=mode == "reload")
    compiled_seconds = time.process_time() - started
    gc.collect()
    library_mb = _rss_mb() - before
    result = {"seconds": compiled_seconds, "library_mb": library_mb}
    if mode == "cold":
        started = time.process_time()
        rules = RuleBase(compiled)
        result["build"] = time.process_time() - started
        result["peak_mb"] = _peak_mb()
        # A query in every place runs every ruleset the engine has (it makes each on first
        # use): what the build leaves to the first queries shows here.
        places = sorted(compiled.library.jurisdictions)
        service = {"types": ["social_media", "game"], "features": ["direct_messaging"]}
        started = time.process_time()
        for place in places:
            rules.determine(service, {"age": 14, "location": place}, "2024-01-01")
        result["places"] = time.process_time() - started
        result["places_peak_mb"] = _peak_mb()
    return result


def run_child(python: str, mode: str, folder: Path, cache: Path) -> dict[str, float]:
    environment = {**os.environ, "OBLIGATE_CACHE_DIR": str(cache)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    output = subprocess.run(
        [python, __file__, "--child", mode, str(folder)],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def measure(pythons: list[str], duties: int, repeat: int) -> dict[str, dict[str, list[float]]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from synthetic import generate

    found: dict[str, dict[str, list[float]]] = {p: {} for p in pythons}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "rules"
        generate(folder, duties)
        caches = {p: Path(work) / f"cache-{n}" for n, p in enumerate(pythons)}
        for python in pythons:  # fill each interpreter's own cache (its format may differ)
            run_child(python, "reload", folder, caches[python])
        for _ in range(repeat):
            for python in pythons:
                for mode in ("cold", "reload"):
                    result = run_child(python, mode, folder, caches[python])
                    for name, value in result.items():
                        found[python].setdefault(f"{mode}.{name}", []).append(value)
        for cache in caches.values():
            shutil.rmtree(cache, ignore_errors=True)
    return found


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--duties", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", action="append", default=[], help="another interpreter")
    args = parser.parse_args()
    pythons = [*args.python, sys.executable]
    found = measure(pythons, args.duties, args.repeat)
    rows = [
        ("cold compile (CPU s)", "cold.seconds", "{:.2f}"),
        ("determiner build (CPU s)", "cold.build", "{:.2f}"),
        ("compiled library (RSS MB)", "cold.library_mb", "{:.0f}"),
        ("peak after build (RSS MB)", "cold.peak_mb", "{:.0f}"),
        ("a query in every place (CPU s)", "cold.places", "{:.2f}"),
        ("peak after them (RSS MB)", "cold.places_peak_mb", "{:.0f}"),
        ("cached reload (CPU s)", "reload.seconds", "{:.3f}"),
        ("reloaded library (RSS MB)", "reload.library_mb", "{:.0f}"),
    ]
    print(f"duties: {args.duties:,} over 250 jurisdictions; median of {args.repeat} fresh runs")
    for python in pythons:
        print(f"\n{python}")
        for label, key, shape in rows:
            print(f"  {label:31} {shape.format(statistics.median(found[python][key]))}")
    if len(pythons) > 1:
        old, new = pythons[0], pythons[-1]
        print("\nold / new:")
        for label, key, _shape in rows:
            ratio = statistics.median(found[old][key]) / statistics.median(found[new][key])
            print(f"  {label:31} {ratio:.2f}x")


if __name__ == "__main__":
    main()
