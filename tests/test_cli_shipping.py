"""The command line as a new user meets it: the shipped library without --rules, a git
revision of the rules, --version, the formats listed in --help and refused by name, tables
that fit the terminal, and batch from CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import obligate
from obligate.interfaces.cli import app

ROOT = Path(__file__).resolve().parents[1]
SERVICE = str(ROOT / "examples" / "social-platform.yaml")
QUERY = ["query", "--service", SERVICE, "--age", "15", "--location", "DE", "--date", "2026-06-01"]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_query_without_rules_answers_from_the_shipped_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no rules/ folder here
    code, output = run(*QUERY, "--format", "json")
    assert code == 0, output
    answer = json.loads(output)
    assert "EU-DSA-28-1" in [d["id"] for d in answer["duties"]]
    assert answer["rulebase"]["version"] == obligate.load().version
    assert answer["rulebase"]["libraries"][0]["name"] == "obligate-rules"


def test_check_without_paths_checks_the_shipped_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run("check")
    assert code == 0 and output.startswith("ok: "), output


def test_version_names_engine_library_law_date_and_content_hash() -> None:
    code, output = run("--version")
    assert code == 0
    shipped = obligate.load()
    (release,) = shipped.releases
    assert f"obligate {obligate.__version__}" in output
    assert f"{release.name} {release.version}" in output
    assert f"law read {release.law_read}" in output
    assert f"content hash {shipped.version}" in output


def test_rules_at_a_git_revision_answer_as_diff_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    mini = (ROOT / "tests" / "fixtures" / "mini" / "world.obl").read_text()
    (repo / "rules" / "world.obl").write_text(mini)

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(repo), *args],
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org",
                "HOME": str(tmp_path),
            },
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    # the working copy loses a duty; the revision still has it
    (repo / "rules" / "world.obl").write_text(
        mini.replace("obligation X-CONSENT", "obligation X-CONSENZ")
    )
    monkeypatch.chdir(repo)
    asked = ["query", "--location", "XA", "--age", "12", "--date", "2026-06-01", "--format", "json"]
    service = tmp_path / "s.yaml"
    service.write_text("features: [user_generated_content, targeted_advertising]\n")
    asked += ["--service", str(service)]
    code, now = run(*asked, "--rules", "rules")
    assert code == 0, now
    code, then = run(*asked, "--rules", "rules@HEAD")
    assert code == 0, then
    ids_now = {d["id"] for d in json.loads(now)["duties"]}
    ids_then = {d["id"] for d in json.loads(then)["duties"]}
    assert "X-CONSENT" in ids_then and "X-CONSENZ" in ids_now
    code, output = run(*asked, "--rules", "rules@no-such-revision")
    assert code == 2 and "--rules" in output


def test_formats_are_listed_in_help_and_refused_by_name() -> None:
    code, output = run("query", "--help", env={"COLUMNS": "200"})
    assert code == 0
    assert "table|md|csv|json" in output.replace(" ", "")
    code, output = run(*QUERY, "--format", "xml")
    assert code == 2
    assert "'xml' is not one of" in output and "'csv'" in output


def test_csv_holds_every_section() -> None:
    code, output = run(*QUERY, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    answer = obligate.load().determine(
        __import__("yaml").safe_load(Path(SERVICE).read_text()),
        {"age": 15, "location": "DE"},
        "2026-06-01",
    )
    assert [r["id"] for r in rows if r["section"] == "applies"] == answer.duty_ids
    assert [r["id"] for r in rows if r["section"] == "suspended"] == [
        d.id for d in answer.suspended
    ]


@pytest.mark.parametrize("width", [80, 120])
def test_the_table_fits_the_terminal(width: int) -> None:
    code, output = run(*QUERY, env={"COLUMNS": str(width)})
    assert code == 0
    assert max(len(line) for line in output.splitlines()) <= width
    code, output = run(*QUERY, "--width", "100")
    assert max(len(line) for line in output.splitlines()) <= 100


def test_batch_from_csv_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "accounts.csv"
    source.write_text(
        "service,age,location,date\nsocial,15,DE,2026-06-01\nsocial,abc,DE,2026-06-01\n"
    )
    services = tmp_path / "profiles.yaml"
    services.write_text(f"social: {json.dumps({'types': ['social_media']})}\n")
    target = tmp_path / "answers.parquet"
    code, output = run("batch", str(source), str(target), "--services", str(services))
    assert code == 0, output
    assert "2 rows answered" in output
    table = pq.read_table(target).to_pylist()
    assert table[0]["error"] is None and table[0]["duty_ids"]
    assert table[1]["error"].startswith("user.age: not a number")
    wrong = tmp_path / "accounts.parquet"
    wrong.write_text(source.read_text())
    code, output = run("batch", str(wrong), str(target), "--services", str(services))
    assert code == 2 and "not a Parquet file: it looks like CSV text" in output
