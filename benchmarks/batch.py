"""Batch at data-platform scale: rows per second for millions of synthetic accounts, in one
process and on a Dask LocalCluster of worker processes, with a sample checked row by row.

    python benchmarks/batch.py [--rows 10000000] [--duties 3000] [--workers 2]

The accounts: one of 40 service profiles, an age from 8 to 79 (5% not given), one of the 250
places of the synthetic library, and one of four review dates. Figures:

- in memory: ``answer_table`` on a pandas DataFrame already loaded;
- Parquet to Parquet, one process: what ``obligate batch IN OUT`` does (50,000-row chunks);
- Parquet to Parquet on Dask: ``read_parquet``, ``map_partitions(BatchFunction)``,
  ``to_parquet`` on a LocalCluster with ``--workers`` processes.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import obligate
from obligate.interfaces.batch import BatchFunction, answer_parquet, answer_table
from synthetic import generate, profiles

DATES = ["2025-01-01", "2025-07-01", "2026-01-01", "2026-07-01"]


def accounts(graph: dict[str, list[str]], services: dict[str, Any], rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    ids = np.array(sorted(services))
    places = np.array(list(graph))
    frame = pd.DataFrame(
        {
            "service": ids[rng.integers(0, len(ids), rows)],
            "age": rng.integers(8, 80, rows).astype(float),
            "location": places[rng.integers(0, len(places), rows)],
            "date": np.array(DATES)[rng.integers(0, len(DATES), rows)],
        }
    )
    frame.loc[rng.random(rows) < 0.05, "age"] = np.nan
    return frame


def check_sample(
    rules: obligate.RuleBase, answered: pd.DataFrame, services: dict[str, Any], size: int
) -> int:
    """Rows whose batch answer differs from ``determine`` asked for that row alone."""
    rng = random.Random(11)
    wrong = 0
    for index in rng.sample(range(len(answered)), size):
        row = answered.iloc[index]
        user = {"location": row["location"]}
        if not pd.isna(row["age"]):
            user["age"] = int(row["age"])
        answer = rules.determine(services[row["service"]], user, row["date"])
        if list(row["duty_ids"]) != [d.id for d in answer.duties]:
            wrong += 1
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--duties", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["OBLIGATE_CACHE_DIR"] = str(Path(work) / "cache")
        folder = Path(work) / "rules"
        graph = generate(folder, args.duties)
        services = {f"p{i:02d}": s for i, s in enumerate(profiles(40))}
        frame = accounts(graph, services, args.rows)
        source = Path(work) / "accounts.parquet"
        frame.to_parquet(source, row_group_size=1_000_000)
        print(f"{args.rows:,} accounts, {args.duties:,} duties, 40 service profiles")

        rules = obligate.load(folder)
        started = time.perf_counter()
        answered = answer_table(rules, frame, services)
        seconds = time.perf_counter() - started
        print(
            f"in memory, one process:        {seconds:6.1f} s  {args.rows / seconds:>11,.0f} rows/s"
        )
        wrong = check_sample(rules, answered, services, args.sample)
        print(f"  sample of {args.sample:,} rows checked against determine: {wrong} differ")
        del answered

        rules._determiner.forget()  # every answer class unseen again
        started = time.perf_counter()
        answer_parquet(rules, source, Path(work) / "one.parquet", services)
        seconds = time.perf_counter() - started
        print(
            f"Parquet to Parquet, one process: {seconds:6.1f} s"
            f"  {args.rows / seconds:>11,.0f} rows/s"
        )

        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster),
        ):
            function = BatchFunction([folder], services)
            started = time.perf_counter()
            frames = dd.read_parquet(source)
            out = frames.map_partitions(function, meta=BatchFunction.meta(frames))
            strings = pa.list_(pa.string())
            schema = pa.schema(
                [
                    ("service", pa.large_string()),
                    ("age", pa.float64()),
                    ("location", pa.large_string()),
                    ("date", pa.large_string()),
                    ("duty_ids", strings),
                    ("categories", strings),
                    ("error", pa.string()),
                ]
            )
            out.to_parquet(Path(work) / "dask", write_index=False, schema=schema)
            seconds = time.perf_counter() - started
        print(
            f"Parquet to Parquet, Dask LocalCluster ({args.workers} worker processes): "
            f"{seconds:6.1f} s  {args.rows / seconds:>11,.0f} rows/s"
        )
        dask_rows = pd.read_parquet(
            Path(work) / "dask", columns=["service", "age", "location", "date", "duty_ids"]
        )
        one_rows = pd.read_parquet(Path(work) / "one.parquet", columns=["duty_ids"])
        same = all(
            list(a) == list(b)
            for a, b in zip(
                dask_rows["duty_ids"].head(200_000), one_rows["duty_ids"].head(200_000), strict=True
            )
        )
        print(f"  Dask answers equal the single process on the first 200,000 rows: {same}")


if __name__ == "__main__":
    main()
