"""Batch answers: every row equal to asking ``determine`` for that row alone, from pandas,
Arrow, Parquet on the command line, and Dask worker processes."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

import obligate
from obligate import QueryError, RuleBase
from obligate.interfaces.batch import BatchError, BatchFunction, Columns, answer_table
from obligate.interfaces.cli import app

MINI = Path(__file__).parent / "fixtures" / "mini"

SERVICES: dict[str, dict[str, Any]] = {
    "platform": {
        "types": ["social_media"],
        "features": ["user_generated_content", "targeted_advertising"],
        "established_in": "XO",
        "monthly_active_users": {"XU": 50_000_000},
        "employees": 500,
        "annual_turnover_eur": 90_000_000,
        "directed_at_children": False,
        "likely_accessed_by_children": True,
        "associations": [],
    },
    "small-messenger": {
        "types": ["messaging"],
        "features": [],
        "established_in": "XF-1",
        "employees": 10,
        "annual_turnover_eur": 1_000_000,
        "associations": ["NetChoice"],
    },
    "unsaid": {"types": ["social_media"]},  # most facts left out: conditional duties
}


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return obligate.load(MINI, use_cache=False)


def random_rows(rulebase: RuleBase, count: int, seed: int) -> pd.DataFrame:
    """Rows over every service, place, many ages and dates, and some rows that cannot be
    answered (an unknown place or profile, an age out of range, a date that is not one)."""
    rng = random.Random(seed)
    places = sorted(rulebase.jurisdictions) + ["NOWHERE"]
    rows = []
    for _ in range(count):
        rows.append(
            {
                "service": rng.choice(
                    [*SERVICES, "missing-profile"] if rng.random() < 0.05 else list(SERVICES)
                ),
                "age": rng.choice([None, 5, 12, 13, 15, 16, 17, 18, 30, 70, -1, 131]),
                "location": rng.choice(places),
                "date": rng.choice(
                    ["2023-01-01", "2024-12-31", "2025-03-01", "2026-06-01", "soon"]
                ),
            }
        )
    return pd.DataFrame(rows)


ADDED = [
    "duty_ids",
    "categories",
    "conditional_ids",
    "suspended_ids",
    "rulebase_version",
    "error",
]
Lists = tuple[list[str], list[str], list[str], list[str]]


def row_by_row(rulebase: RuleBase, row: Any) -> Lists | None:
    user = {"location": row.location}
    if row.age is not None and not pd.isna(row.age):
        user["age"] = int(row.age)
    try:
        answer = rulebase.determine(SERVICES.get(row.service, {"types": ["nope"]}), user, row.date)
    except QueryError:
        return None
    if row.service not in SERVICES:
        return None
    return (
        [d.id for d in answer.duties],
        sorted({d.category for d in answer.duties}),
        [d.id for d in answer.conditional],
        [d.id for d in answer.suspended],
    )


def assert_equal_to_row_by_row(rulebase: RuleBase, frame: pd.DataFrame, out: pd.DataFrame) -> None:
    assert list(out.columns) == [*frame.columns, *ADDED]
    assert set(out["rulebase_version"]) <= {rulebase.version}
    for row in out.itertuples():
        expected = row_by_row(rulebase, row)
        lists = (row.duty_ids, row.categories, row.conditional_ids, row.suspended_ids)
        if expected is None:
            assert row.error, row
            assert all(v is None for v in lists)
        else:
            assert row.error is None, row.error
            assert tuple(list(v) for v in lists) == expected, row


def test_batch_equals_row_by_row_from_pandas(mini: RuleBase) -> None:
    frame = random_rows(mini, 600, seed=1)
    out = answer_table(mini, frame, SERVICES)
    assert isinstance(out, pd.DataFrame)
    assert_equal_to_row_by_row(mini, frame, out)
    assert out["duty_ids"].map(bool).any(), "the sample holds rows with duties"
    assert out["conditional_ids"].map(bool).any(), "the sample holds conditional duties"
    assert out["suspended_ids"].map(bool).any(), "the sample holds suspended duties"


def test_batch_equals_row_by_row_on_the_shipped_library(rulebase: RuleBase) -> None:
    services = {"social": yaml.safe_load(Path("examples/social-platform.yaml").read_text())}
    rng = random.Random(4)
    places = sorted(rulebase.jurisdictions)
    frame = pd.DataFrame(
        {
            "service": ["social"] * 300,
            "age": [rng.choice([None, 9, 12, 13, 14, 15, 16, 17, 18, 25]) for _ in range(300)],
            "location": [rng.choice(places) for _ in range(300)],
            "date": [rng.choice(["2024-06-01", "2025-09-30", "2026-06-01"]) for _ in range(300)],
        }
    )
    out = answer_table(rulebase, frame, services)
    for row in out.itertuples():
        user = {"location": row.location} | ({} if pd.isna(row.age) else {"age": int(row.age)})
        answer = rulebase.determine(services["social"], user, row.date)
        assert list(row.duty_ids) == [d.id for d in answer.duties]
        assert list(row.categories) == sorted({d.category for d in answer.duties})
        assert list(row.conditional_ids) == [d.id for d in answer.conditional]
        assert list(row.suspended_ids) == [d.id for d in answer.suspended]


def test_arrow_in_arrow_out(mini: RuleBase) -> None:
    frame = random_rows(mini, 200, seed=2)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    out = answer_table(mini, table, SERVICES)
    assert isinstance(out, pa.Table)
    assert out.schema.field("duty_ids").type == pa.list_(pa.string())
    as_frame = answer_table(mini, frame, SERVICES)
    assert out.column("duty_ids").to_pylist() == [
        None if v is None else list(v) for v in as_frame["duty_ids"]
    ]
    assert out.column("error").to_pylist() == list(as_frame["error"])


def test_dates_as_dates_and_ages_as_integers(mini: RuleBase) -> None:
    frame = pd.DataFrame(
        {
            "service": ["platform", "platform"],
            "age": pd.array([15, None], dtype="Int64"),
            "location": ["XA", "XA"],
            "date": pd.to_datetime(["2026-06-01", "2026-06-01"]),
        }
    )
    out = answer_table(mini, frame, SERVICES)
    by_hand = mini.determine(SERVICES["platform"], {"age": 15, "location": "XA"}, "2026-06-01")
    assert list(out["duty_ids"][0]) == [d.id for d in by_hand.duties]
    assert out["error"].isna().all()


def test_an_empty_table_gets_the_columns(mini: RuleBase) -> None:
    frame = pd.DataFrame({"service": [], "age": [], "location": [], "date": []})
    out = answer_table(mini, frame, SERVICES)
    assert list(out.columns)[-6:] == ADDED and len(out) == 0


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"service": ["platform"], "age": [3], "location": ["XA"]}),
            "date: no such column",
        ),
        ("not a table", "expected a pandas DataFrame or a pyarrow Table"),
    ],
)
def test_a_table_that_cannot_be_read_is_refused_by_name(
    mini: RuleBase, frame: Any, message: str
) -> None:
    with pytest.raises(BatchError, match=message):
        answer_table(mini, frame, SERVICES)


def test_other_column_names(mini: RuleBase) -> None:
    frame = pd.DataFrame({"p": ["platform"], "years": [15], "where": ["XA"], "on": ["2026-06-01"]})
    out = answer_table(mini, frame, SERVICES, Columns("p", "years", "where", "on"))
    assert "X-MINORS" in out["duty_ids"][0]


# ---------------------------------------------------------------- command line


def write_inputs(tmp_path: Path, frame: pd.DataFrame) -> tuple[Path, Path]:
    source = tmp_path / "queries.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source, row_group_size=50)
    services = tmp_path / "services.yaml"
    services.write_text(yaml.safe_dump(SERVICES))
    return source, services


def test_cli_batch_writes_parquet_equal_to_row_by_row(mini: RuleBase, tmp_path: Path) -> None:
    frame = random_rows(mini, 240, seed=3)
    source, services = write_inputs(tmp_path, frame)
    target = tmp_path / "answers.parquet"
    result = CliRunner().invoke(
        app,
        ["batch", str(source), str(target), "--services", str(services), "--rules", str(MINI)],
    )
    assert result.exit_code == 0, result.output
    assert "240 rows answered" in result.output
    out = pq.read_table(target).to_pandas()
    out["duty_ids"] = out["duty_ids"].map(lambda v: None if v is None else list(v))
    out["categories"] = out["categories"].map(lambda v: None if v is None else list(v))
    out["error"] = out["error"].astype(object).where(out["error"].notna(), None)
    assert_equal_to_row_by_row(mini, frame, out)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--columns", "a,b"], "--columns: expected four names"),
        (["--columns", "service,age,place,date"], "place: no such column"),
    ],
)
def test_cli_batch_bad_arguments_exit_2(
    mini: RuleBase, tmp_path: Path, arguments: list[str], message: str
) -> None:
    source, services = write_inputs(tmp_path, random_rows(mini, 10, seed=5))
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(source),
            str(tmp_path / "out.parquet"),
            "--services",
            str(services),
            "--rules",
            str(MINI),
            *arguments,
        ],
    )
    assert result.exit_code == 2
    assert message in result.output


def test_cli_batch_unreadable_services_exit_2(tmp_path: Path) -> None:
    source, _ = write_inputs(
        tmp_path,
        pd.DataFrame({"service": ["x"], "age": [1], "location": ["XA"], "date": ["2026-01-01"]}),
    )
    bad = tmp_path / "services.yaml"
    bad.write_text("- just\n- a list\n")
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(source),
            str(tmp_path / "o.parquet"),
            "--services",
            str(bad),
            "--rules",
            str(MINI),
        ],
    )
    assert result.exit_code == 2
    assert "must map each profile id to its service facts" in result.output


# ---------------------------------------------------------------- Dask and Spark


def test_dask_on_worker_processes_equals_local(mini: RuleBase) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    frame = random_rows(mini, 400, seed=6)
    function = BatchFunction([MINI], SERVICES)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        frames = dd.from_pandas(frame, npartitions=4)
        answered = frames.map_partitions(function, meta=BatchFunction.meta(frames)).compute()
        worker_pids = set(client.run(os.getpid).values())
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids
    local = answer_table(mini, frame, SERVICES)
    assert answered.sort_index()["duty_ids"].tolist() == local["duty_ids"].tolist()
    assert answered.sort_index()["error"].tolist() == local["error"].tolist()


def test_the_spark_form_answers_each_frame(mini: RuleBase) -> None:
    frame = random_rows(mini, 90, seed=7)
    function = BatchFunction([MINI], SERVICES)
    parts = list(function.frames([frame.iloc[:30], frame.iloc[30:]]))
    joined = pd.concat(parts)
    local = answer_table(mini, frame, SERVICES)
    assert joined["duty_ids"].tolist() == local["duty_ids"].tolist()


def test_the_function_pickles_without_the_rule_base(mini: RuleBase) -> None:
    import pickle

    function = BatchFunction([MINI], SERVICES)
    function(random_rows(mini, 5, seed=8))  # loads the library in this process
    copy = pickle.loads(pickle.dumps(function))
    assert copy.rules == function.rules and copy.services == function.services
