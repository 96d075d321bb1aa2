"""The peer benchmark's harness at CI size: every engine answers the synthetic workload the
same as the plain scan, and obligate's answer classes answer the same as computing every
answer from scratch (benchmarks/peers.py runs the same engines at full size, timed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import obligate
from obligate import RuleBase

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import peers  # noqa: E402
from synthetic import corpus, generate  # noqa: E402

DUTIES = 300
QUERIES = 150


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, list[peers.Query], Path]:
    folder = tmp_path_factory.mktemp("peers") / "rules"
    generate(folder, DUTIES)
    data = corpus(DUTIES)
    return data, peers.workload(data, QUERIES), folder


@pytest.mark.parametrize(
    "engine", ["indexed", "durable", "durable-agenda", "zen", "clingo", "obligate"]
)
def test_every_engine_answers_as_the_plain_scan(
    workload: tuple[object, list[peers.Query], Path], engine: str
) -> None:
    data, queries, folder = workload
    reference = peers.Scan()
    reference.build(data, folder)  # type: ignore[arg-type]
    peer = peers.make(engine)
    peer.build(data, folder)
    answers = [peer.answer(q) for q in queries]
    expected = [reference.answer(q) for q in queries]
    assert answers == expected
    assert sum(map(len, expected)) > 0, "the workload has queries to which duties apply"


@pytest.mark.parametrize("encoding", ["table", "rows"])
def test_zen_encodings_agree(
    workload: tuple[object, list[peers.Query], Path], encoding: str
) -> None:
    data, queries, folder = workload
    best, other = peers.Zen("places"), peers.Zen(encoding)
    best.build(data, folder)  # type: ignore[arg-type]
    other.build(data, folder)  # type: ignore[arg-type]
    assert [other.answer(q) for q in queries[:40]] == [best.answer(q) for q in queries[:40]]


def test_answer_classes_answer_as_from_scratch(
    workload: tuple[object, list[peers.Query], Path],
) -> None:
    """The benchmark's 'seen class' queries: another age in the band or another date between
    the same changes. Rendered from the class's cached answer, each equals the answer built
    from scratch, with every duty in reach checked against durable-rules."""
    _data, queries, folder = workload
    cached = peers.Obligate()
    cached.build(_data, folder)  # type: ignore[arg-type]
    scratch = RuleBase(cached.rules.compiled, cache=False, verify=True)
    siblings = 0
    for query in queries:
        sibling = cached.sibling(query)
        for asked in (query, sibling):
            if asked is None:
                continue
            args = (
                {"types": list(asked.types), "features": list(asked.features)},
                {"age": asked.age, "location": asked.location},
                asked.date,
            )
            assert cached.rules.determine(*args).to_json() == scratch.determine(*args).to_json()
        siblings += sibling is not None
    assert siblings > QUERIES // 2


def test_the_table_prints_ratios_to_obligate() -> None:
    results = [
        {
            "engine": "obligate",
            "duties": 300,
            "compile_s": 0.5,
            "peak_mb": 70.0,
            "rows": [
                {"label": "unseen class", "median_us": 50.0, "p99_us": 90.0},
                {"label": "seen class", "median_us": 10.0, "p99_us": 20.0},
            ],
        },
        {
            "engine": "zen",
            "duties": 300,
            "compile_s": 0.1,
            "peak_mb": 40.0,
            "rows": [{"label": "zen", "median_us": 1000.0, "p99_us": 2000.0}],
        },
    ]
    lines = peers.table(results).splitlines()
    assert lines[-1] == "| 300 | zen | 1,000 | 2,000 | 0.10 | 40 | 20.0x | 100.0x | 0 |"


def test_obligate_loads_the_generated_library(
    workload: tuple[object, list[peers.Query], Path],
) -> None:
    _data, _queries, folder = workload
    assert len(obligate.load(folder, use_cache=False).duties) == DUTIES
