"""The package stays a house you can read: no module over 500 lines, no class over 300.

The direction of imports between stages is checked by import-linter (`lint-imports` in .ci/run,
contracts in pyproject.toml); this file checks the sizes that keep each stage readable.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "obligate"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines; split it along a seam"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_every_class_is_at_most_300_lines(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    too_long = {
        node.name: (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_CLASS_LINES
    }
    assert not too_long, f"{_name(path)}: classes over {MAX_CLASS_LINES} lines: {too_long}"


def test_each_pipeline_stage_is_a_folder() -> None:
    stages = {"language", "graph", "engine", "determination", "harmonise", "reports", "interfaces"}
    assert stages <= {path.name for path in PACKAGE.iterdir() if path.is_dir()}
