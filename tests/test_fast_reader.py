"""The fast reader (language/builder/fast.py) builds exactly what Lark and the builder build.

For every chunk of every rule file in the repository, and for many mutants of them: when the
fast reader reads a chunk, Lark parses it too, with the same nodes and no diagnostic; when it
does not, nothing it did is left behind."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from lark.exceptions import UnexpectedInput

from obligate.language.builder import Builder
from obligate.language.builder.fast import read_chunk
from obligate.language.builder.fast_tokens import tokenize
from obligate.language.builder.transformer import _inline_builder
from obligate.language.diagnostics import Diagnostics
from obligate.language.syntax import chunks, parser

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    path
    for folder in ("rules", "casebook", "tests/diagnostics", "examples", "src/obligate")
    for path in (ROOT / folder).rglob("*.obl")
)
sys.path.insert(0, str(ROOT / "benchmarks"))


def lark_read(text: str, offset: int) -> tuple[Any, list[Any]]:
    """The chunk as Lark's parse and the builder's transform make it, with what it reported
    (or the syntax error)."""
    diagnostics = Diagnostics()
    builder = Builder("file.obl", offset, diagnostics)
    try:
        tree = parser().parse(text)
    except UnexpectedInput as error:
        return error, []
    try:
        return builder.transform(tree), diagnostics.items
    except Exception as error:  # noqa: BLE001 - compared as a failure, like Lark's
        return error, []


def fast_read(text: str, offset: int) -> tuple[Any, list[Any]]:
    diagnostics = Diagnostics()
    builder = Builder("file.obl", offset, diagnostics)
    return read_chunk(builder, text), diagnostics.items


def check_chunk(text: str, offset: int = 0) -> bool:
    """True if the fast reader read the chunk (and then it must equal Lark)."""
    fast, left_behind = fast_read(text, offset)
    if fast is None:
        assert left_behind == []
        return False
    slow, reported = lark_read(text, offset)
    assert reported == [], text
    assert not isinstance(slow, Exception), text
    assert fast == slow, text
    return True


def corpus_chunks() -> list[tuple[str, int]]:
    found = []
    for path in FILES:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for chunk in chunks(text):
            if chunk.text.strip():
                found.append((chunk.text, chunk.line_offset))
    return found


def synthetic_chunks(tmp_path: Path) -> list[tuple[str, int]]:
    from synthetic import generate

    generate(tmp_path, 150)
    return [
        (chunk.text, chunk.line_offset)
        for path in sorted(tmp_path.glob("*.obl"))
        for chunk in chunks(path.read_text())
        if chunk.text.strip()
    ]


def test_every_rule_file_chunk_reads_as_lark_reads_it() -> None:
    read = [check_chunk(text, offset) for text, offset in corpus_chunks()]
    assert sum(read) > len(read) // 2  # most chunks take the fast path


def test_synthetic_library_reads_as_lark_reads_it(tmp_path: Path) -> None:
    assert all(check_chunk(text, offset) for text, offset in synthetic_chunks(tmp_path))


WORDS = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "has",
    "service",
    "user",
    "{",
    "}",
    "(",
    ")",
    ":",
    ",",
    ".",
    "[",
    "]",
    "<",
    "<=",
    "==",
    "13",
    "2024-01-01",
    "2024-1-1",
    "1e5",
    "1_000",
    "0.00001",
    '"text"',
    '"""long\ntext"""',
    "from",
    "under",
    "at",
    "obligation",
    "category",
    "note",
    "when",
    "unless",
    "member_of",
    "jurisdiction",
    "effective",
    "days",
    "within",
    "X-1",
    "users",
    "services",
    "established",
    "applies",
    "to",
    "#c\n",
    "\n",
    "deadline",
    "status",
    "99999999999999999",
    "9999-99-99",
    "terms",
    "overrides",
    "cites",
    "url",
    "é",
    "@",
]


def mutants(text: str, rng: random.Random, count: int) -> list[str]:
    pieces = text.split(" ")
    found = []
    for _ in range(count):
        copy = list(pieces)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(copy))
            action = rng.randrange(4)
            if action == 0:
                copy[at] = rng.choice(WORDS)
            elif action == 1:
                del copy[at]
                if not copy:
                    copy = [""]
            elif action == 2:
                copy.insert(at, rng.choice(WORDS))
            else:
                other = rng.randrange(len(copy))
                copy[at], copy[other] = copy[other], copy[at]
        found.append(" ".join(copy))
    return found


@pytest.mark.parametrize("seed", range(4))
def test_mutated_chunks_read_as_lark_reads_them(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    sources = corpus_chunks() + synthetic_chunks(tmp_path)
    sample = rng.sample(sources, 50)
    outcomes = [check_chunk(m) for text, _ in sample for m in mutants(text, rng, 8)]
    assert len(outcomes) == 400
    assert any(outcomes) and not all(outcomes)  # both paths were exercised


def test_the_compiler_path_reads_with_the_shared_builder(tmp_path: Path) -> None:
    from obligate.language.builder import parse_and_build

    text = 'jurisdiction XX "X" {\n  member_of: YY\n}\n'
    diagnostics = Diagnostics()
    built = parse_and_build("x.obl", text, diagnostics)
    assert [b.code for b in built.blocks] == ["XX"]  # type: ignore[union-attr]
    assert _inline_builder().diagnostics is diagnostics


def test_a_character_no_terminal_starts_leaves_the_chunk_to_lark() -> None:
    # spaces before a stray character once made the token pattern backtrack exponentially
    assert tokenize("jurisdiction X" + " " * 3000 + "@") is None
    assert tokenize("jurisdiction X # note\n\n") is not None
