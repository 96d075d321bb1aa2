"""Rule diffs between folders and git revisions; the jurisdiction graph as pictures."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from obligate.interfaces.cli import app

MINI = Path(__file__).parent / "fixtures" / "mini"
MARKETS = Path(__file__).parent / "fixtures" / "markets"
GOLDEN = Path(__file__).parent / "golden" / "diff"
CASE = """cases:
  - id: consent-xa-12
    note: a 12-year-old in XA needs parental consent
    source: tests/fixtures/mini/world.obl (test fixture)
    query: {user: {age: 12, location: XA}, date: 2026-06-01}
    want_duties: [X-CONSENT]
"""


def changed_copy(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    shutil.copytree(MINI, new)
    text = (new / "world.obl").read_text()
    text = text.replace(
        'digital_consent_age: 13 under X-DATA "Art. 8"',
        'digital_consent_age: 12 under X-DATA "Art. 8"',
    )
    text = text.replace(
        '  deadline: 1 year "after designation, then yearly"',
        '  deadline: 6 months "after designation, then yearly"',
    )
    text = text.replace("obligation X-BILL-MINAGE", "obligation X-BILL-MINAGE-2")
    (new / "world.obl").write_text(text)
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASE)
    return old, new, cases


def test_diff_of_two_folders_lists_duty_and_casebook_changes(tmp_path: Path) -> None:
    old, new, cases = changed_copy(tmp_path)
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--casebook", str(cases)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"+ added duty X-BILL-MINAGE-2  ({new / 'world.obl'}:107)" in lines
    assert f"- removed duty X-BILL-MINAGE  ({old / 'world.obl'}:107)" in lines
    # the rule text before and after, never the model's tree
    assert '    - deadline: 1 year "after designation, then yearly"' in lines
    assert '    + deadline: 6 months "after designation, then yearly"' in lines
    assert not any(".amount" in line or ".kind" in line for line in lines)
    # a consent age lowered is a change of its own
    assert "~ parameter digital_consent_age in XA" in lines
    assert '    + digital_consent_age: 12 under X-DATA "Art. 8"' in lines
    assert any("consent-xa-12 (was passing, now failing)" in line for line in lines)
    assert "    duties: -X-CONSENT" in lines


def _edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def test_diff_shows_every_kind_of_change_as_rule_text(tmp_path: Path, update_goldens: bool) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for target in (old, new):
        shutil.copytree(MINI, target / "mini")
        shutil.copytree(MARKETS, target / "markets", ignore=shutil.ignore_patterns("*.yaml"))
    _edit(
        new / "mini" / "world.obl",
        (
            "digital_consent_age: 15 from 2026-01-01 under",
            "digital_consent_age: 13 from 2026-01-01 under",
        ),
        ("when: service.employees < 50 and", "when: service.employees < 10 and"),
        ("  status: pending\n}", '  status: pending\n  note: "second reading set for 2027"\n}'),
    )
    _edit(
        new / "markets" / "markets.obl",
        ("up to 6 percent of worldwide turnover", "up to 10 percent of worldwide turnover"),
        ("  checked: 2026-01-15", "  checked: 2026-03-01"),
        ('deadline: 48 hours "after a valid notice"', 'deadline: 24 hours "after a valid notice"'),
    )
    result = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    output = result.output.replace(str(tmp_path), "<tmp>")
    output = "\n".join(output.splitlines()[1:]) + "\n"  # the versions hash the grammar too
    golden = GOLDEN / "every-kind.txt"
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_identical_libraries_show_no_change(tmp_path: Path) -> None:
    """A copy in another folder moves every span (file names included): still no change."""
    copy = tmp_path / "copy"
    shutil.copytree(MINI, copy)
    result = CliRunner().invoke(app, ["diff", str(MINI), str(copy)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "no change to the rules, parameters or casebook answers"
    ]


def test_the_shipped_library_diffed_with_itself_shows_no_change() -> None:
    """CA-MRA-4-C16 overrides CA-MRA-4: the span inside ``overrides`` is not a change."""
    result = CliRunner().invoke(app, ["diff", "rules", "rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"blocks": []' in result.output and '"changed": []' in result.output


def test_diff_reads_git_revisions_of_one_folder(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "rules")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(repo), *args],
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@t",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@t",
            },
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first")
    world = repo / "rules" / "world.obl"
    world.write_text(
        world.read_text().replace(
            '"Parental consent below the consent age"', '"Verifiable parental consent"'
        )
    )
    result = CliRunner().invoke(
        app,
        [
            "diff",
            f"{repo / 'rules'}@HEAD",
            str(repo / "rules"),
            "--casebook",
            str(tmp_path / "none.yaml"),
        ],
    )
    assert result.exit_code == 1 and "casebook error" in result.output  # missing casebook
    (tmp_path / "cases.yaml").write_text(CASE)
    result = CliRunner().invoke(
        app,
        [
            "diff",
            f"{repo / 'rules'}@HEAD",
            str(repo / "rules"),
            "--casebook",
            str(tmp_path / "cases.yaml"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"field": "title"' in result.output and "Verifiable parental consent" in result.output


def test_diff_of_an_unknown_revision_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["diff", f"{MINI}@no-such-revision", str(MINI)])
    assert result.exit_code == 2
    assert "diff:" in result.output


def test_graph_dot_can_be_coloured_by_a_parameter() -> None:
    result = CliRunner().invoke(
        app,
        [
            "graph",
            "--rules",
            str(MINI),
            "--format",
            "dot",
            "--colour-by",
            "digital_consent_age",
            "--date",
            "2026-06-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert 'digital_consent_age 13", style=filled' in result.output
    assert '"XO" [label="XO\\nOutside"];' in result.output  # no value: not painted


def test_graph_unknown_parameter_is_rejected() -> None:
    result = CliRunner().invoke(app, ["graph", "--rules", str(MINI), "--colour-by", "consent"])
    assert result.exit_code == 2
    assert "digital_consent_age" in result.output


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_graph_pictures_are_drawn_by_graphviz(tmp_path: Path, fmt: str) -> None:
    if shutil.which("dot") is None:
        if os.environ.get("OBLIGATE_REQUIRE_SERVICES"):
            pytest.fail("graphviz is required in CI (OBLIGATE_REQUIRE_SERVICES is set)")
        pytest.skip("graphviz is not installed here; .ci/run installs it")
    out = tmp_path / f"graph.{fmt}"
    result = CliRunner().invoke(
        app,
        [
            "graph",
            "--rules",
            str(MINI),
            "--format",
            fmt,
            "--colour-by",
            "digital_consent_age",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"<?xml" if fmt == "svg" else b"\x89PNG")
