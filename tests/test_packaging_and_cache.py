"""The grammar reaches an installed package; the compile cache is keyed by content."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

import obligate
from obligate.language import compiler

ROOT = Path(__file__).resolve().parents[1]


def test_the_grammar_is_package_data_when_installed() -> None:
    installed_from_source_tree = Path(obligate.__file__).resolve().is_relative_to(ROOT / "src")
    if installed_from_source_tree:
        pytest.skip("editable install: the installed-package check runs in .ci/run")
    packaged = resources.files("obligate").joinpath("grammar", "obligate.lark")
    assert packaged.is_file()
    assert packaged.read_text() == (ROOT / "grammar" / "obligate.lark").read_text()


def test_a_reload_of_an_unchanged_corpus_comes_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBLIGATE_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", rules)
    first = compiler.compile_paths([rules])
    calls: list[int] = []
    original = compiler.compile_sources
    monkeypatch.setattr(
        compiler, "compile_sources", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    again = compiler.compile_paths([rules])
    assert calls == [] and again.version == first.version
    assert sorted(again.library.duties) == sorted(first.library.duties)
    (rules / "world.obl").write_text((rules / "world.obl").read_text() + "\n# changed\n")
    changed = compiler.compile_paths([rules])
    assert calls == [1] and changed.version != first.version


def test_the_version_is_a_hash_of_the_sorted_contents(tmp_path: Path) -> None:
    one = tmp_path / "one"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", one)
    two = tmp_path / "two"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", two)
    assert (
        obligate.load(one, use_cache=False).version == obligate.load(two, use_cache=False).version
    )
