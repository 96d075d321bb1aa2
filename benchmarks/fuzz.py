"""The compiler's long fuzz run (issue 18): random token and block mutations of the shipped
rule files, and conditions of random shapes, each compiled with the rest of its library and,
when it compiles, asked a query. Counts what happened to each mutant:

    compiled     compiled and answered
    diagnostics  refused with positioned diagnostics (RuleFileError)
    tracebacks   any other exception (must be 0)
    hangs        took longer than --timeout seconds (must be 0)

    python benchmarks/fuzz.py [--mutants 500] [--seconds 600] [--seed 1] [--timeout 60]

The suite runs the same mutations through hypothesis on a small fixed budget
(tests/test_fuzz_compile.py).
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import (  # noqa: E402 - after the path to tests/
    BLOCK_KINDS,
    LEAVES,
    POOL,
    TOKEN_KINDS,
    Library,
    Mutation,
    condition_text,
    duty_with,
    mutate,
)


class Hang(Exception):
    pass


def _alarm(_signal: int, _frame: FrameType | None) -> None:
    raise Hang


def random_mutation(rng: random.Random) -> Mutation:
    level = rng.choice(("token", "token", "block"))
    kinds = TOKEN_KINDS if level == "token" else BLOCK_KINDS
    return Mutation(
        level=level,
        kind=rng.choice(kinds),
        where=rng.random(),
        other=rng.random(),
        word=rng.choice(POOL) if level == "token" else rng.choice(["}", "{", "not "]),
        times=rng.choice((1, 2, 3, 10, 100, 700, 5000)),
    )


def random_shape(rng: random.Random, budget: int) -> object:
    if budget <= 1 or rng.random() < 0.3:
        return rng.choice(LEAVES)
    kind = rng.choice(("not", "()", "and", "or"))
    if kind in ("not", "()"):
        return (kind, random_shape(rng, budget - 1))
    width = rng.randint(2, min(budget, rng.choice((3, 10, 100, 1000))))
    return (kind, [random_shape(rng, budget // width) for _ in range(width)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mutants", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    shipped = Library([ROOT / "rules"])
    mini = Library([ROOT / "tests" / "fixtures" / "mini"])
    files = shipped.rule_files()
    (mini_index,) = mini.rule_files()
    counts: collections.Counter[str] = collections.Counter()
    slowest = (0.0, "")
    signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    for number in range(args.mutants):
        if time.monotonic() - started > args.seconds:
            break
        if number % 4 == 3:  # a quarter: conditions of random shapes
            library, index = mini, mini_index
            depth = rng.choice((0, 0, 1, 10, 63, 64, 65, 200, 3000))
            condition = "not " * depth + condition_text(random_shape(rng, rng.choice((5, 50, 800))))
            text = library.sources[index].text + duty_with(condition)
            label = f"condition of {len(condition):,} characters"
        else:
            library, index = shipped, rng.choice(files)
            mutations = [random_mutation(rng) for _ in range(rng.randint(1, 4))]
            text = mutate(library.sources[index].text, mutations)
            label = f"{library.sources[index].path} {mutations}"
        began = time.monotonic()
        signal.alarm(args.timeout)
        try:
            counts[library.outcome(index, text)] += 1
        except Hang:
            counts["hangs"] += 1
            print(f"HANG: {label}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - what the run counts
            counts["tracebacks"] += 1
            if "error code: 113" in str(exc):
                counts["of which durable-rules error 113"] += 1
            print(f"TRACEBACK: {label}\n{traceback.format_exc()[-3000:]}", file=sys.stderr)
        finally:
            signal.alarm(0)
        took = time.monotonic() - began
        if took > slowest[0]:
            slowest = (took, label[:200])
        counts["mutants"] += 1
    elapsed = time.monotonic() - started
    print(f"mutants tried: {counts['mutants']:,} in {elapsed:.0f} s (seed {args.seed})")
    for key in (
        "diagnostics",
        "compiled",
        "tracebacks",
        "of which durable-rules error 113",
        "hangs",
    ):
        print(f"{key}: {counts[key]:,}")
    print(f"slowest mutant: {slowest[0]:.2f} s ({slowest[1]})")
    sys.exit(1 if counts["tracebacks"] or counts["hangs"] else 0)


if __name__ == "__main__":
    main()
