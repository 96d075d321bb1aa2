"""Start-up of the command line (issue 14, point 4): the README quick start's query, as a
table and as JSON, and `obligate --version`, each a fresh process with a warm compile cache.

    python benchmarks/startup.py [--baseline /path/to/old/venv/bin/obligate] [--runs 10]
                                 [--callgrind]

Runs this checkout's `obligate` (beside this Python) and, given one, a baseline's, alternating
in one run, and reports each command's CPU time (user + system, of the child process) and
wall time: the median of the runs, and new/old as a ratio. CPU time is the steadier of the
two on a shared machine; with ``--callgrind`` each command also runs once under valgrind's
callgrind, whose count of instructions executed does not depend on the machine's load at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = ["query", "--service", "examples/social-platform.yaml", "--age", "15"]
QUERY += ["--location", "DE", "--date", "2026-06-01"]
COMMANDS = {
    "query (table)": QUERY,
    "query (json)": [*QUERY, "--format", "json"],
    "--version": ["--version"],
}


def timed(script: str, arguments: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``script arguments``."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [script, *arguments], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{script} {' '.join(arguments)} failed")
    return usage.ru_utime + usage.ru_stime, wall


def instructions(script: str, arguments: list[str]) -> int:
    """Instructions executed by one run of ``script arguments``, as callgrind counts them
    (with a fixed hash seed: set and dict layouts, and so the count, are the same each run)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONHASHSEED"] = "0"
    finished = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", script, *arguments],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    found = re.search(r"Collected\s*:\s*(\d+)", finished.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {script} {' '.join(arguments)}")
    return int(found.group(1))


def counted(scripts: dict[str, str]) -> None:
    for name, arguments in COMMANDS.items():
        counts = {label: instructions(script, arguments) for label, script in scripts.items()}
        line = [f"{name:14}"]
        line += [f"{label}: {count / 1e6:7.0f} M instructions" for label, count in counts.items()]
        if "old" in counts:
            line.append(f"new/old: {counts['new'] / counts['old']:.2f}")
        print(" | ".join(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="the old obligate script, run alternately")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--callgrind", action="store_true", help="count instructions too")
    options = parser.parse_args()
    scripts = {"new": str(Path(sys.executable).parent / "obligate")}
    if options.baseline:
        scripts["old"] = options.baseline
    for name, arguments in COMMANDS.items():
        for script in scripts.values():  # warm: bytecode and the compile cache
            timed(script, arguments)
        found: dict[str, list[tuple[float, float]]] = {label: [] for label in scripts}
        for _ in range(options.runs):
            for label, script in scripts.items():
                found[label].append(timed(script, arguments))
        line = [f"{name:14}"]
        medians = {}
        for label, runs in found.items():
            cpu = statistics.median(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            medians[label] = (cpu, wall)
            line.append(f"{label}: cpu {cpu * 1000:6.0f} ms, wall {wall * 1000:6.0f} ms")
        if "old" in medians:
            (cpu_new, wall_new), (cpu_old, wall_old) = medians["new"], medians["old"]
            line.append(f"new/old: cpu {cpu_new / cpu_old:.2f}, wall {wall_new / wall_old:.2f}")
        print(" | ".join(line))
    if options.callgrind:
        if shutil.which("valgrind") is None:
            raise SystemExit("--callgrind needs valgrind")
        counted(scripts)


if __name__ == "__main__":
    main()
