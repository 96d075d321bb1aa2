"""Schemathesis against the served OpenAPI document: generated requests, valid and invalid,
for every operation, a bounded number of examples each, sent to a real server. No answer
may be a server error, every answer must be one the document describes (status code,
content type, body schema), every request the document calls valid is answered and every
one it calls invalid is refused."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from serving import Server

EXAMPLES_PER_OPERATION = 25
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    # The document says what the server checks (issue 18): every request it calls valid is
    # answered, every one it calls invalid is refused.
    "positive_data_acceptance",
    "negative_data_rejection",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("schema-log") / "decisions.sqlite3"
    with Server("--decision-log", str(log)) as running:
        yield running


def test_generated_requests_get_documented_answers(served: Server, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{served.base}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            "20260601",
            "--generation-database",
            "none",
            "--workers",
            "1",
            "--request-timeout",
            "60",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    counts = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert counts is not None, summary
    generated, passed = map(int, counts.groups())
    assert generated == passed >= 10 * EXAMPLES_PER_OPERATION, summary
    assert served.process is not None and served.process.poll() is None, "the server died"
