"""The compile cache is not trusted blindly (issue 18, points 7 and 16): a planted pickle
never runs, an edited entry never changes an answer, a cache folder or key others can write
is not used, and the cache stays within its count and byte bounds."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

import obligate
from obligate.language import cache
from obligate.language.compiler import compile_paths
from serving import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("OBLIGATE_CACHE_DIR", str(where))
    return where


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(MINI, copy)
    return copy


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*"))


class Planted:
    """Unpickling this creates a file: proof that a planted pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_never_runs(folder: Path, rules: Path, tmp_path: Path) -> None:
    expected = obligate.load(rules).duties.keys()
    (entry,) = entries(folder)
    marker = tmp_path / "ran"
    entry.write_bytes(pickle.dumps(Planted(marker)))  # an old-style bare pickle
    assert obligate.load(rules).duties.keys() == expected
    entry.write_bytes(cache.MAGIC + b"\0" * cache.MAC_BYTES + pickle.dumps(Planted(marker)))
    assert obligate.load(rules).duties.keys() == expected
    assert not marker.exists()


def test_an_edited_entry_does_not_change_the_answers(folder: Path, rules: Path) -> None:
    compiled = compile_paths([rules])
    (entry,) = entries(folder)
    data = entry.read_bytes()
    head = len(cache.MAGIC) + cache.MAC_BYTES
    tampered = pickle.loads(data[head:])
    del tampered.library.duties["X-CONSENT"]
    entry.write_bytes(data[:head] + pickle.dumps(tampered))  # the old MAC, new bytes
    again = compile_paths([rules])
    assert "X-CONSENT" in again.library.duties
    assert again.version == compiled.version


def test_an_entry_is_bound_to_its_name(folder: Path, rules: Path, tmp_path: Path) -> None:
    """An authentic entry copied over another library's entry is not that library."""
    compile_paths([rules])
    (first,) = entries(folder)
    (rules / "world.obl").write_text(
        (rules / "world.obl").read_text().replace("child_age: 18", "child_age: 17")
    )
    compile_paths([rules])
    (second,) = [e for e in entries(folder) if e != first]
    second.write_bytes(first.read_bytes())
    loaded = compile_paths([rules])
    assert any("child_age: 17" in text for text in loaded.sources.values())


def test_a_cache_folder_others_can_write_is_not_used(folder: Path, rules: Path) -> None:
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    compile_paths([rules])
    assert entries(folder) == []
    folder.chmod(0o700)
    compile_paths([rules])
    assert len(entries(folder)) == 1
    (folder / "key").chmod(0o644)  # a key others can read is no secret
    assert cache.read(entries(folder)[0].name) is None


def test_the_cache_is_bounded(folder: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    world = rules / "world.obl"
    for age in range(10, 16):
        world.write_text(world.read_text().replace("child_age: 18", f"child_age: {age}", 1))
        compile_paths([rules])
        world.write_text(world.read_text().replace(f"child_age: {age}", "child_age: 18", 1))
    assert len(entries(folder)) == 3
    sizes = sum(e.stat().st_size for e in entries(folder))
    cache.trim(folder, max_bytes=sizes - 1)  # the byte budget: the oldest goes first
    assert len(entries(folder)) == 2


def test_cache_files_are_private(folder: Path, rules: Path) -> None:
    compile_paths([rules])
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "key").stat().st_mode & 0o777 == 0o600
    assert all(e.stat().st_mode & 0o077 == 0 for e in entries(folder))
    assert os.stat(folder).st_uid == os.getuid()


def test_the_catalogues_indexes_come_back_with_the_library(folder: Path, rules: Path) -> None:
    from obligate.determination.catalogue import CATALOGUE_KEY, derive

    plain = compile_paths([rules])  # an entry written without them (as `obligate check` does)
    assert CATALOGUE_KEY not in plain.derived
    first = obligate.load(rules)  # reads it back, derives them once and writes it again
    assert CATALOGUE_KEY in first.compiled.derived
    again = compile_paths([rules], derive=derive)
    assert CATALOGUE_KEY in again.derived and again is not first.compiled  # from the cache
    assert derive(again) is False  # nothing left to derive
    kept, made = again.derived[CATALOGUE_KEY], first.compiled.derived[CATALOGUE_KEY]
    assert sorted(kept.duties) == sorted(made.duties) and kept.plan.rules == made.plan.rules
    answer: tuple[dict[str, object], dict[str, object], str] = (
        {},
        {"age": 15, "location": "XA"},
        "2026-06-01",
    )
    assert obligate.load(rules).determine(*answer) == first.determine(*answer)
    assert len(entries(folder)) == 1
