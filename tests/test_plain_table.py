"""plain_table draws the answer's tables byte for byte as rich draws them (reports/answer.py
uses it for text of one-cell characters, rich for anything else)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obligate.reports import plain_table
from obligate.reports.answer import Section, _rich_table

# words of one-cell characters, with the spaces and line breaks that wrapping turns on
WORD = st.text(alphabet="abcXYZ019-().,;:·§éü–’…", min_size=1, max_size=30)
TEXT = st.lists(
    st.tuples(WORD, st.sampled_from([" ", " ", "  ", "\n", ""])), min_size=0, max_size=12
).map(lambda parts: "".join(word + gap for word, gap in parts))


@st.composite
def sections(draw: st.DrawFn) -> tuple[list[str], list[Section], int]:
    columns = draw(st.integers(min_value=1, max_value=6))
    header = tuple(draw(WORD) for _ in range(columns))
    rows = draw(st.lists(st.tuples(*[TEXT] * columns), min_size=0, max_size=5))
    title = draw(TEXT)
    lines = draw(st.lists(TEXT, min_size=0, max_size=2))
    return lines, [(title, header, rows)], draw(st.integers(min_value=20, max_value=220))


def _native_rich(lines: list[str], drawn_sections: list[Section], width: int, fold: bool) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, markup=False, emoji=False)
    for line in lines:
        console.print(line, highlight=False)
    for title, header, rows in drawn_sections:
        grid = Table(title=title, title_justify="left", expand=True)
        for column in header:
            grid.add_column(column, overflow="fold" if fold else "ellipsis")
        for row in rows:
            grid.add_row(*row)
        console.print(grid)
    return buffer.getvalue()


@settings(max_examples=400, deadline=None)
@given(sections(), st.booleans())
def test_plain_tables_are_riches_to_the_byte(case, fold: bool) -> None:  # type: ignore[no-untyped-def]
    lines, drawn_sections, width = case
    texts = [
        *lines,
        *(t for s in drawn_sections for t in (s[0], *s[1], *(c for r in s[2] for c in r))),
    ]
    assert plain_table.plain(*texts)
    drawn = [plain_table.paragraph(line, width) for line in lines]
    drawn += [plain_table.table(*section, width, fold=fold) for section in drawn_sections]
    if fold:  # as the answer draws its tables: rich (for wide characters) decides the same
        assert "".join(drawn) == _rich_table(lines, drawn_sections, width)
    title, header, rows = drawn_sections[0]
    columns = [[name, *(row[index] for row in rows)] for index, name in enumerate(header)]
    decided = plain_table.column_widths(columns, width)
    if decided == plain_table.rich_widths(columns, width - len(header) - 1):
        # where rich keeps every word whole, the layout is rich's own
        assert "".join(drawn) == _native_rich(lines, drawn_sections, width, fold)
    elif decided is not None:  # rich would have folded a word: each column holds its words
        least = [max(plain_table.word_width(cell) for cell in column) + 2 for column in columns]
        assert all(have >= need for have, need in zip(decided, least, strict=True))
        assert sum(decided) + len(header) + 1 == width
    else:  # the words cannot fit side by side: one record per row
        assert drawn[-1] == plain_table.records(title, header, rows, width)


@settings(max_examples=200, deadline=None)
@given(sections())
def test_records_wrap_as_rich_wraps(case) -> None:  # type: ignore[no-untyped-def]
    from rich.cells import cell_len

    _lines, [(title, header, rows)], width = case
    assert plain_table.records(title, header, rows, width) == plain_table.records(
        title, header, rows, width, wrap=plain_table.rich_lines, length=cell_len
    )


def test_only_one_cell_characters_are_plain() -> None:
    assert plain_table.plain("EU-DSA Art. 28(1) · für Kinder – “x” …", "a\nb")
    assert not plain_table.plain("子供")
    assert not plain_table.plain("tab\there")
    assert not plain_table.plain("e\u0301")  # a combining accent takes no cell


def test_the_one_cell_characters_are_one_cell_for_rich() -> None:
    from rich.cells import cell_len

    narrow = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x300), *range(0x2010, 0x2028))]
    assert all(plain_table.plain(c) for c in narrow)
    assert [c for c in narrow if cell_len(c) != 1] == []


def test_a_query_table_draws_without_rich() -> None:
    code = (
        "import sys\nfrom obligate.interfaces.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "rich = any(m == 'rich' or m.startswith('rich.') for m in sys.modules)\n"
        "print('RICH' if rich else 'NONE')"
    )
    arguments = ["query", "--service", "examples/social-platform.yaml", "--age", "15"]
    arguments += ["--location", "DE", "--date", "2026-06-01"]
    finished = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, timeout=120
    )
    assert finished.stdout.rstrip().endswith("NONE"), finished.stderr


@pytest.mark.parametrize("width", [60, 80])
def test_a_narrow_table_shows_long_ids_whole_instead_of_cutting_them(width: int) -> None:
    from typer.testing import CliRunner

    from obligate.interfaces.cli import app

    arguments = ["query", "--service", "examples/social-platform.yaml", "--age", "15"]
    arguments += ["--location", "DE", "--date", "2026-06-01", "--width", str(width)]
    shown = CliRunner().invoke(app, arguments)
    assert shown.exit_code == 0
    assert "…" not in shown.output
    # too narrow for the duty table's words side by side: a record per duty, its id a line
    assert "EU-AVMSD-28B-3-MINORS-DATA" in shown.output.splitlines()


@given(
    st.lists(st.tuples(st.integers(3, 40), st.integers(0, 60)), min_size=1, max_size=7), st.data()
)
def test_shared_widths_fill_the_room_between_least_and_most(columns, data) -> None:  # type: ignore[no-untyped-def]
    least = [low for low, _more in columns]
    most = [low + more for low, more in columns]
    room = data.draw(st.integers(sum(least), sum(most) + 20))
    widths = plain_table.share(least, most, room)
    assert sum(widths) == room
    assert all(low <= width for low, width in zip(least, widths, strict=True))
    if room <= sum(most):
        assert all(width <= high for high, width in zip(most, widths, strict=True))


def test_a_column_wanting_little_gets_it_all_before_the_wide_one_gets_the_rest() -> None:
    assert plain_table.share([8, 10], [10, 100], 40) == [10, 30]  # "in force" stays whole
    assert plain_table.share([8, 10, 10], [10, 100, 60], 50) == [10, 23, 17]


@pytest.mark.parametrize("width", [40, 60, 100])
def test_wide_characters_are_laid_out_by_the_cell(width: int) -> None:
    from rich.cells import cell_len

    header = ("duty", "title", "status")
    rows = [("JP-子供-ONLINE-1", "青少年インターネット環境整備法 第十六条", "in force")] * 2
    drawn = plain_table.rich_table("日本", header, rows, width)
    assert max(cell_len(line) for line in drawn.splitlines()) <= width
    assert "JP-子供-ONLINE-1" in drawn  # an id is never split, whatever its characters
