"""Finding rule files in a folder (one directory walk): every .obl file below it, sorted, each
named by its path inside the folder; a link that leads out of the folder refused (E016), a
linked folder not entered; the shipped library's files named ``rules/...``."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate.language.compiler import discover, discover_all, read_sources
from obligate.language.diagnostics import Diagnostics
from obligate.language.release import shipped_rules

RULE = 'jurisdiction XA "State A" { }\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    (folder / "b" / "deep").mkdir(parents=True)
    (folder / "a.obl").write_text(RULE)
    (folder / "b" / "deep" / "c.obl").write_text(RULE)
    (folder / "b" / "notes.txt").write_text("not a rule file")
    (folder / "folder.obl").mkdir()  # a folder named like a rule file: entered, not read
    (folder / "folder.obl" / "d.obl").write_text(RULE)
    (folder / "inside.obl").symlink_to(folder / "a.obl")  # a link within: read
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.obl").write_text("not for the compiler's eyes\n")
    (outside / "e.obl").write_text(RULE)
    (folder / "leak.obl").symlink_to(outside / "secret.obl")  # a link out: refused
    (folder / "linked").symlink_to(outside)  # a linked folder: not entered
    (folder / "broken.obl").symlink_to(tmp_path / "missing.obl")  # no file: skipped
    return folder


def test_every_rule_file_below_the_folder_once_sorted_by_path(tree: Path) -> None:
    found, outside = discover_all([tree])
    assert [key for _path, key in found] == [
        "a.obl",
        "b/deep/c.obl",
        "folder.obl/d.obl",
        "inside.obl",
    ]
    assert [path for path, _key in found] == sorted(tree / key for _p, key in found)
    assert outside == [tree / "leak.obl"]
    assert discover([tree]) == found


def test_a_link_out_of_the_folder_is_refused_unread(tree: Path) -> None:
    diagnostics = Diagnostics()
    sources = read_sources([tree], diagnostics)
    (problem,) = diagnostics.sorted()
    assert problem.code == "E016" and "outside the rule folder" in problem.message
    assert all("compiler's eyes" not in source.text for source in sources)


def test_files_are_named_from_the_working_folder(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.parent)
    sources = read_sources([tree], Diagnostics())[1:]  # after the prelude
    assert [s.path for s in sources] == [
        "mine/a.obl",
        "mine/b/deep/c.obl",
        "mine/folder.obl/d.obl",
        "mine/a.obl",  # the link within, by the file it leads to (as a resolved path has it)
    ]
    monkeypatch.chdir(tree / "b")
    inner = read_sources([Path("deep")], Diagnostics())[1:]
    assert [s.path for s in inner] == ["deep/c.obl"]


def test_a_file_outside_the_working_folder_keeps_the_name_it_was_given(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / "b")
    (source,) = read_sources([tree / "a.obl"], Diagnostics())[1:]
    assert source.path == str(tree / "a.obl") and source.key == "a.obl"


def test_the_shipped_library_is_named_rules_from_any_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sources = read_sources([shipped_rules()], Diagnostics())[1:]
    assert sources and all(s.path == f"rules/{s.key}" for s in sources)
