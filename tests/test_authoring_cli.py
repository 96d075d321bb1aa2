"""The authoring commands from the command line: `obligate fmt`, `obligate explain-rule`, and
`obligate lsp` started as an editor starts it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from obligate.interfaces.cli import app

EXPLAIN = Path(__file__).parent / "fixtures" / "explain"
MESSY = 'jurisdiction XA "A" {\n    child_age : 18 # the age\n}\njurisdiction XB "B" {}\n'
TIDY = 'jurisdiction XA "A" {\n  child_age: 18 # the age\n}\n\njurisdiction XB "B" {}\n'


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_fmt_rewrites_files_in_place(tmp_path: Path) -> None:
    (tmp_path / "a.obl").write_text(MESSY)
    (tmp_path / "b.obl").write_text(TIDY.replace("XA", "XC").replace("XB", "XD"))
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.obl").read_text() == TIDY
    assert "1 of 2 files reformatted; 0 not parsed" in result.output


def test_fmt_check_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.obl").write_text(MESSY)
    result = run("fmt", "--check", str(tmp_path))
    assert result.exit_code == 1
    assert f"would reformat {tmp_path / 'a.obl'}" in result.output
    assert (tmp_path / "a.obl").read_text() == MESSY
    (tmp_path / "a.obl").write_text(TIDY)
    assert run("fmt", "--check", str(tmp_path)).exit_code == 0


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path) -> None:
    (tmp_path / "a.obl").write_text(MESSY)
    result = run("fmt", "--diff", str(tmp_path / "a.obl"))
    assert result.exit_code == 0
    assert "-    child_age : 18 # the age\n+  child_age: 18 # the age\n" in result.output
    assert (tmp_path / "a.obl").read_text() == MESSY


def test_fmt_leaves_a_file_that_does_not_parse_and_says_why(tmp_path: Path) -> None:
    broken = 'jurisdiction XA "A" {\n  child_age 18\n}\n'
    (tmp_path / "a.obl").write_text(broken)
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 1
    assert "a.obl:2:12: error[E003]: missing `:`" in result.output
    assert (tmp_path / "a.obl").read_text() == broken


def test_explain_rule_prints_the_sentence() -> None:
    result = run("explain-rule", "X-28-2", "--rules", str(EXPLAIN))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "A service that is an online platform (example) (x_platform) and that has targeted "
        "advertising (advertising based on profiling) must not engage in profiling-based "
        "advertising to minors, for users younger than 18"
    )


def test_explain_rule_of_an_unknown_duty_suggests_one() -> None:
    result = run("explain-rule", "X-28-3", "--rules", str(EXPLAIN))
    assert result.exit_code == 2
    assert "unknown duty 'X-28-3'; did you mean `X-28-1`?" in result.output


def test_obligate_lsp_answers_initialize_over_stdio() -> None:
    command = Path(sys.executable).with_name("obligate")
    request = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    ).encode()
    messages = [
        request,
        json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode(),
        json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode(),
    ]
    stdin = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in messages)
    done = subprocess.run([str(command), "lsp"], input=stdin, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    body = done.stdout.split(b"\r\n\r\n", 1)[1]
    first = json.loads(body[: body.index(b"Content-Length")] if b"Content-Length" in body else body)
    capabilities = first["result"]["capabilities"]
    assert first["result"]["serverInfo"]["name"] == "obligate"
    for capability in (
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "completionProvider",
    ):
        assert capabilities[capability], capability
