"""Batch files: CSV and Parquet in and out, a wrong file refused with what it looks like, ages
that are not numbers named as such, progress chunk by chunk, the versions that answered, and a
target that appears whole or not at all."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import obligate
from obligate import RuleBase
from obligate.interfaces.batch import BatchError, answer_file, answer_table
from test_batch import SERVICES, assert_equal_to_row_by_row, random_rows

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return obligate.load(MINI, use_cache=False)


def read_back(path: Path) -> pd.DataFrame:
    """A written answer file as the pandas frame ``answer_table`` gives (lists as lists)."""
    if path.suffix == ".csv":
        out = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        for name in ("duty_ids", "categories", "conditional_ids", "suspended_ids"):
            out[name] = [
                None if pd.isna(v) and not ok else ([] if pd.isna(v) else v.split(";"))
                for v, ok in zip(out[name], out["error"].isna(), strict=True)
            ]
    else:
        out = pq.read_table(path).to_pandas()
        for name in ("duty_ids", "categories", "conditional_ids", "suspended_ids"):
            out[name] = out[name].map(lambda v: None if v is None else list(v))
        out["rulebase_version"] = out["rulebase_version"].astype(object)
    out["error"] = out["error"].astype(object).where(out["error"].notna(), None)
    # CSV's query columns are read, and kept, as text
    out["age"] = pd.to_numeric(out["age"], errors="coerce")
    return out


@pytest.mark.parametrize("source_suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("target_suffix", [".csv", ".parquet"])
def test_csv_and_parquet_in_and_out_equal_row_by_row(
    mini: RuleBase, tmp_path: Path, source_suffix: str, target_suffix: str
) -> None:
    frame = random_rows(mini, 300, seed=21)
    source = tmp_path / f"queries{source_suffix}"
    if source_suffix == ".csv":
        frame.to_csv(source, index=False)
    else:
        frame.to_parquet(source, index=False)
    target = tmp_path / f"answers{target_suffix}"
    chunks: list[int] = []
    rows = answer_file(mini, source, target, SERVICES, progress=chunks.append, rows_per_chunk=64)
    assert rows == 300 == sum(chunks)
    if source_suffix == ".parquet":
        assert chunks == [64, 64, 64, 64, 44]  # progress moves chunk by chunk
    out = read_back(target)
    assert_equal_to_row_by_row(mini, frame, out)


def test_a_hundred_thousand_rows_report_progress_more_than_once(
    mini: RuleBase, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "service": ["platform"] * 100_000,
            "age": [15] * 100_000,
            "location": ["XA"] * 100_000,
            "date": ["2026-06-01"] * 100_000,
        }
    )
    for suffix in (".parquet", ".csv"):
        source = tmp_path / f"many{suffix}"
        frame.to_parquet(source) if suffix == ".parquet" else frame.to_csv(source, index=False)
        chunks: list[int] = []
        answer_file(mini, source, tmp_path / "out.parquet", SERVICES, progress=chunks.append)
        assert sum(chunks) == 100_000 and len(chunks) >= 2, (suffix, chunks)


def test_the_versions_that_answered_are_in_the_metadata_and_a_column(
    mini: RuleBase, tmp_path: Path
) -> None:
    source = tmp_path / "q.parquet"
    random_rows(mini, 20, seed=22).to_parquet(source)
    target = tmp_path / "a.parquet"
    answer_file(mini, source, target, SERVICES)
    metadata = json.loads(pq.read_schema(target).metadata[b"obligate"])
    assert metadata["rulebase"] == mini.version
    assert metadata["engine"] == obligate.__version__
    assert metadata["contract"] and metadata["libraries"] == [
        {"name": "mini", "version": None, "law_read": None}
    ]
    assert set(pq.read_table(target).column("rulebase_version").to_pylist()) == {mini.version}


def test_the_shipped_library_names_its_release_in_the_metadata(
    rulebase: RuleBase, tmp_path: Path
) -> None:
    source = tmp_path / "q.csv"
    source.write_text("service,age,location,date\nsocial,15,DE,2026-06-01\n")
    target = tmp_path / "a.parquet"
    shipped = obligate.load()
    answer_file(shipped, source, target, {"social": {"types": ["social_media"]}})
    (release,) = json.loads(pq.read_schema(target).metadata[b"obligate"])["libraries"]
    assert release["name"] == "obligate-rules"
    assert release["version"] and release["law_read"]


def test_ages_that_are_not_numbers_are_not_called_out_of_range(
    mini: RuleBase, tmp_path: Path
) -> None:
    source = tmp_path / "q.csv"
    source.write_text(
        "service,age,location,date\n"
        "platform,fifteen,XA,2026-06-01\n"
        "platform,15.5,XA,2026-06-01\n"
        "platform,200,XA,2026-06-01\n"
        "platform,,XA,2026-06-01\n"
        "platform,15,XA,2026-06-01\n"
    )
    target = tmp_path / "a.csv"
    answer_file(mini, source, target, SERVICES)
    errors = read_back(target)["error"].tolist()
    assert errors[0].startswith("user.age: not a number (found 'fifteen')")
    assert errors[1].startswith("user.age: not a whole number (found 15.5)")
    assert errors[2].startswith("user.age: out of range (found 200)")
    assert errors[3] is None and errors[4] is None  # an empty cell: the age is not given


def test_a_semicolon_separated_csv_is_read(mini: RuleBase, tmp_path: Path) -> None:
    source = tmp_path / "q.csv"
    source.write_text("service;age;location;date\nplatform;15;XA;2026-06-01\n")
    target = tmp_path / "a.parquet"
    answer_file(mini, source, target, SERVICES)
    by_hand = mini.determine(SERVICES["platform"], {"age": 15, "location": "XA"}, "2026-06-01")
    assert pq.read_table(target).column("duty_ids").to_pylist() == [by_hand.duty_ids]


def write_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("[Content_Types].xml", "<Types/>")


WRONG_FILES: list[tuple[str, Any, str]] = [
    (
        "accounts.parquet",
        "service,age,location,date\nplatform,15,XA,2026-06-01\n",
        "not a Parquet file: it looks like CSV text; name it .csv to read it as CSV",
    ),
    ("accounts.csv", "PARQUET", "not CSV text: it looks like a Parquet file"),
    ("accounts.parquet", "", "the file is empty"),
    ("accounts.csv", "", "the file is empty"),
    ("accounts.xlsx", write_xlsx, "neither Parquet nor CSV text: a ZIP archive (a spreadsheet?"),
    ("accounts.parquet", "TRUNCATED", "a Parquet file cut short (it has no footer)"),
    ("accounts.csv", b"service,age\n\xff\xfe caf\xe9 " + b"x" * 100, "not UTF-8"),
    ("accounts.csv", "service,age,place,date\nplatform,15,XA,2026-06-01\n", "location: no such"),
    ("accounts.dat", b"\x00\x01\x02binary", "neither Parquet nor CSV text: binary data"),
]


@pytest.mark.parametrize(("name", "content", "message"), WRONG_FILES)
def test_a_wrong_file_is_refused_with_what_it_looks_like(
    mini: RuleBase, tmp_path: Path, name: str, content: Any, message: str
) -> None:
    source = tmp_path / name
    good = pa.table({"service": ["platform"], "age": [15], "location": ["XA"]})
    if content == "PARQUET":
        pq.write_table(good, source)
    elif content == "TRUNCATED":
        pq.write_table(good, tmp_path / "whole.parquet")
        source.write_bytes((tmp_path / "whole.parquet").read_bytes()[:-10])
    elif callable(content):
        content(source)
    elif isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content)
    with pytest.raises(BatchError) as raised:
        answer_file(mini, source, tmp_path / "out.parquet", SERVICES)
    assert message in str(raised.value)
    assert not (tmp_path / "out.parquet").exists()


def test_a_missing_file_and_the_source_as_target_are_refused(
    mini: RuleBase, tmp_path: Path
) -> None:
    with pytest.raises(BatchError, match="cannot read it"):
        answer_file(mini, tmp_path / "nowhere.parquet", tmp_path / "o.parquet", SERVICES)
    source = tmp_path / "q.parquet"
    random_rows(mini, 5, seed=23).to_parquet(source)
    with pytest.raises(BatchError, match="the target is the source"):
        answer_file(mini, source, source, SERVICES)


def test_a_run_that_fails_leaves_the_old_target_and_no_partial_file(
    mini: RuleBase, tmp_path: Path
) -> None:
    source = tmp_path / "q.parquet"
    random_rows(mini, 200, seed=24).to_parquet(source)
    target = tmp_path / "answers.parquet"
    target.write_bytes(b"the answers of yesterday")

    def interrupted(rows: int) -> None:
        raise KeyboardInterrupt  # as Ctrl-C after the first chunk

    with pytest.raises(KeyboardInterrupt):
        answer_file(mini, source, target, SERVICES, progress=interrupted, rows_per_chunk=50)
    assert target.read_bytes() == b"the answers of yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.parquet", "q.parquet"]
    answer_file(mini, source, target, SERVICES, rows_per_chunk=50)
    assert pq.read_table(target).num_rows == 200


def test_an_empty_csv_with_a_header_gets_the_columns(mini: RuleBase, tmp_path: Path) -> None:
    source = tmp_path / "q.csv"
    source.write_text("service,age,location,date\n")
    target = tmp_path / "a.parquet"
    assert answer_file(mini, source, target, SERVICES) == 0
    names = pq.read_table(target).column_names
    assert names[-6:] == [
        "duty_ids",
        "categories",
        "conditional_ids",
        "suspended_ids",
        "rulebase_version",
        "error",
    ]


def test_pandas_output_names_the_version_too(mini: RuleBase) -> None:
    out = answer_table(mini, random_rows(mini, 5, seed=25), SERVICES)
    assert set(out["rulebase_version"]) == {mini.version}
