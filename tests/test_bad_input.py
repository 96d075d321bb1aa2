"""Rule files with any mistake get a diagnostic, never a traceback: sizes, junk, nesting."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate.language.compiler import compile_paths
from obligate.language.diagnostics import RuleFileError

HEADER = (
    'jurisdiction XU "Example" { }\n'
    'instrument X-ACT "Act" {\n  jurisdiction: XU\n  effective: 2024-01-01\n}\n'
)


def codes(path: Path) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        compile_paths([path], use_cache=False)
    return [d.code for d in caught.value.diagnostics]


def test_a_ten_megabyte_file_is_refused_with_a_diagnostic(tmp_path: Path) -> None:
    big = tmp_path / "big.obl"
    big.write_text(HEADER + "# padding\n" * (1024 * 1024))
    assert codes(big) == ["E008"]


def test_a_thousand_levels_of_nesting_is_a_diagnostic(tmp_path: Path) -> None:
    deep = tmp_path / "deep.obl"
    deep.write_text(
        HEADER + 'obligation X-1 "t" {\n  category: safety_by_design\n'
        '  cites: X-ACT "1"\n  when: ' + "(" * 1000 + "user.age < 13" + ")" * 1000 + "\n}\n"
    )
    assert codes(deep) == ["E010"]


def test_deep_but_allowed_nesting_compiles(tmp_path: Path) -> None:
    nested = tmp_path / "nested.obl"
    nested.write_text(
        HEADER + 'obligation X-1 "t" {\n  category: safety_by_design\n'
        '  cites: X-ACT "1"\n  when: ' + "not (" * 60 + "user.age < 13" + ")" * 60 + "\n}\n"
    )
    compiled = compile_paths([nested], use_cache=False)
    assert "X-1" in compiled.library.duties


def test_random_binary_junk_is_not_a_text_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.obl"
    junk.write_bytes(bytes((i * 7919) % 256 for i in range(5000)))
    assert codes(junk) == ["E007"]


def test_junk_text_gives_one_diagnostic_per_block_and_is_capped(tmp_path: Path) -> None:
    junk = tmp_path / "junk.obl"
    junk.write_text("".join(f"obligation X-{n} {{ }}\n" for n in range(100)))
    with pytest.raises(RuleFileError) as caught:
        compile_paths([junk], use_cache=False)
    assert len(caught.value.diagnostics) == 100
    assert str(caught.value).endswith("... and 80 more")


def test_a_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    assert codes(tmp_path / "absent.obl") == ["E013"]


def test_windows_line_endings_and_unicode_compile_the_same(tmp_path: Path) -> None:
    text = (
        HEADER
        + 'obligation X-1 "Jugendschutz für Kinder — 児童" {\n'
        + '  category: safety_by_design\n  cites: X-ACT "§ 1"\n}'
    )
    unix, windows = tmp_path / "unix.obl", tmp_path / "windows.obl"
    unix.write_text(text, newline="\n")
    windows.write_text(text, newline="\r\n")
    first = compile_paths([unix], use_cache=False).library.duties["X-1"]
    second = compile_paths([windows], use_cache=False).library.duties["X-1"]
    assert first.title == second.title == "Jugendschutz für Kinder — 児童"
    assert first.span.line == second.span.line
