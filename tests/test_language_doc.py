"""Every example in docs/language.md compiles, together, with no diagnostics."""

from __future__ import annotations

import re
from pathlib import Path

from obligate.language.compiler import Source, compile_sources, prelude
from obligate.language.diagnostics import Diagnostics, render_all

DOC = Path(__file__).resolve().parents[1] / "docs" / "language.md"


def examples() -> list[str]:
    return re.findall(r"```obl\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_language_page_has_an_example_of_every_block() -> None:
    text = "\n".join(examples())
    for keyword in (
        "jurisdiction",
        "instrument",
        "vocabulary",
        "definition",
        "obligation",
        "prohibition",
        "permission",
        "court {",
        "applies to:",
        "unless:",
        "overrides:",
        "deadline:",
        "status:",
        "from 20",
        "parties:",
        "part_of:",
        "term child",
        "enforcement ",
        "terms:",
        "whichever is greater",
        "none in this law",
    ):
        assert keyword in text, keyword


def test_every_example_compiles_clean() -> None:
    sources = [prelude()] + [
        Source(f"docs/language.md#example-{n}", text) for n, text in enumerate(examples(), start=1)
    ]
    diagnostics = Diagnostics()
    library = compile_sources(sources, diagnostics)
    assert library is not None, render_all(diagnostics.items, {s.path: s.text for s in sources})
    assert not diagnostics.items, render_all(diagnostics.items, {s.path: s.text for s in sources})
    assert "EXAMPLE-28-1" in library.duties
