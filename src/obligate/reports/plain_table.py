"""Plain-text tables laid out to a terminal's width, drawn as rich draws them, without
importing rich.

The query table is printed on every `obligate query`, and rich (its import and its general
renderer) was a sixth of that command's time. This draws the one kind of table the answer
uses: an expanding table with a heavy-headed box, a header row, a left-justified title, cells
padded by one space and wrapped on words (a word longer than its column ends in "…", or is
folded onto the next line), no styles.

The layout (``column_widths``) is rich's own (measure, collapse the widest, share what is
left) wherever rich keeps every word whole; where rich would fold a word (an id split as
"age_assuranc/e") although the words fit side by side, each column gets its widest word and
a share of the rest (``share``); where they do not fit, each row becomes a block of "label:
value" lines (``records``). tests/test_plain_table.py draws random tables both ways: to the
byte as rich's own table where the layout is rich's, and always as ``rich_table`` draws it.

Only text whose every character is one cell wide is drawn here (``plain``); anything else
(a wide or combining character, a tab, a control character) goes to ``rich_table``, which
makes the same decisions with rich's measure of every character.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from math import ceil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

Length = Callable[[str], int]  # cells a text takes: len here, rich's cell_len for the rest
LINK_WIDTH = 20

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
# characters one cell wide: printable Latin (before the combining marks at U+0300) and the
# common punctuation of U+2010..U+2027 (dashes, quotes, bullets, the ellipsis)
_NARROW = re.compile(r"[\x20-\x7e\xa0-\u02ff\u2010-\u2027\n]*")


def plain(*texts: str) -> bool:
    """Whether every text can be drawn here: one cell per character."""
    return all(_NARROW.fullmatch(text) for text in texts)


def wrap_words(text: str, width: int, fold: bool) -> list[str]:
    """One line of text broken on words to ``width`` (rich's ``divide_line``); a word longer
    than the width is folded across lines when ``fold``, else left whole on its own line."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                pieces = [word[i : i + width] for i in range(0, len(word), width)]
                for index, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if index == len(pieces) - 1:
                        offset = len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    edges = [0, *breaks, len(text)]
    return [text[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def _fit(line: str, width: int, ellipsis: bool, pad: bool) -> str:
    if len(line) > width:
        whitespace = _TRAILING_SPACE.search(line)
        if whitespace is not None:
            line = line[: len(line) - min(len(whitespace.group(0)), len(line) - width)]
    if len(line) > width:
        line = line[: width - 1] + "…" if ellipsis else line[:width]
    return line.ljust(width) if pad else line


def lines_of(text: str, width: int, *, ellipsis: bool = False, pad: bool = False) -> list[str]:
    """``text`` wrapped to ``width`` as rich wraps it: folding long words, or (``ellipsis``)
    cutting them short with "…"; each line padded to the width when ``pad``."""
    found: list[str] = []
    for line in text.split("\n"):
        found.extend(
            _fit(part, width, ellipsis, pad) for part in wrap_words(line, width, not ellipsis)
        )
    return found


def _measure(text: str, limit: int, length: Length = len) -> tuple[int, int]:
    """rich's (minimum, maximum) width of a padded cell holding ``text``, at most ``limit``."""
    if limit - 2 < 1:
        return limit, limit
    lines = text.splitlines()
    most = max((length(line) for line in lines), default=0)
    words = text.split()
    least = max((length(word) for word in words), default=most)
    least = min(max(0, least), most)
    most = max(least, most)
    least, most = min(least, limit), min(most, limit)
    if most < 1:
        least = most = 0
    least, most = min(least + 2, limit), min(most + 2, limit)
    return (0, 0) if most < 1 else (least, most)


def rich_widths(columns: Sequence[Sequence[str]], limit: int, length: Length = len) -> list[int]:
    """The padded column widths rich gives an expanding table ``limit`` cells wide inside its
    edges (measure, collapse the widest, share what is left): a word may end up folded."""

    def widest(column: Sequence[str], room: int) -> int:
        if room < 1:
            return 0
        measured = [_measure(cell, room, length) for cell in column]
        return min(max(most for _least, most in measured), room)

    widths = [widest(column, limit) or 1 for column in columns]
    total = sum(widths)
    if total > limit:
        widths = _collapse(widths, limit)
        total = sum(widths)
        if total > limit:
            widths = _reduce(total - limit, [1] * len(widths), widths, widths)
            total = sum(widths)
        widths = [widest(column, width) for column, width in zip(columns, widths, strict=True)]
        total = sum(widths)
    if total < limit:
        extra = _distribute(limit - total, widths)
        widths = [width + more for width, more in zip(widths, extra, strict=True)]
    return widths


def word_width(text: str, length: Length = len) -> int:
    """The widest word of ``text``: what a column must hold so that no word is folded; a
    link counts as LINK_WIDTH (a long URL may fold, and should not widen its column)."""
    return max(
        (min(length(word), LINK_WIDTH) if "://" in word else length(word) for word in text.split()),
        default=0,
    )


def share(least: Sequence[int], most: Sequence[int], room: int) -> list[int]:
    """Widths from ``least`` up to ``most`` filling ``room`` (at least ``sum(least)``): a
    column that wants no more than an even share of what is left gets all it wants (so a
    short text such as "in force" is not broken), then the rest is shared in proportion to
    what each column still wants; room beyond every want goes to the last column."""
    widths = list(least)
    left = room - sum(widths)
    wanting = [
        index for index, (low, high) in enumerate(zip(least, most, strict=True)) if high > low
    ]
    while wanting and left > 0:
        even = left // len(wanting)
        modest = [index for index in wanting if most[index] - widths[index] <= even]
        if not modest:
            wants = [most[index] - widths[index] for index in wanting]
            for index, more in zip(wanting, _distribute(left, wants), strict=True):
                widths[index] += more
            return widths
        for index in modest:
            left -= most[index] - widths[index]
            widths[index] = most[index]
        wanting = [index for index in wanting if index not in modest]
    if widths:
        widths[-1] += left
    return widths


def column_widths(
    columns: Sequence[Sequence[str]], width: int, length: Length = len
) -> list[int] | None:
    """The padded widths of a boxed table ``width`` cells wide, header and cells in
    ``columns``: rich's own, unless rich would fold a word when a narrower column could hold
    it whole (then each column gets its widest word and a share of the rest, an empty column
    only its header); None where not even the widest words fit side by side (``records``)."""
    limit = width - len(columns) - 1
    least = [max(3, max(word_width(cell, length) for cell in column) + 2) for column in columns]
    if sum(least) > limit:
        return None
    widths = rich_widths(columns, limit, length)
    if all(have >= need for have, need in zip(widths, least, strict=True)):
        return widths
    most = [max(_measure(cell, limit, length)[1] for cell in column) for column in columns]
    return share(least, [max(m, low) for m, low in zip(most, least, strict=True)], limit)


def _collapse(widths: list[int], limit: int) -> list[int]:
    total = sum(widths)
    excess = total - limit
    while total and excess > 0:
        widest = max(widths)
        second = max(width if width != widest else 0 for width in widths)
        difference = widest - second
        ratios = [1 if width == widest else 0 for width in widths]
        if not any(ratios) or not difference:
            break
        widths = _reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
        total = sum(widths)
        excess = total - limit
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            share = min(most, round(ratio * remaining / total_ratio))
            result.append(value - share)
            remaining -= share
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _distribute(total: int, ratios: list[int]) -> list[int]:
    total_ratio = sum(ratios)
    remaining = total
    shares = []
    for ratio in ratios:
        share = ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        shares.append(share)
        total_ratio -= ratio
        remaining -= share
    return shares


def table(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    fold: bool = False,
) -> str:
    """The table as rich prints ``Table(title=title, title_justify="left", expand=True)``
    with these columns and rows on a console ``width`` columns wide (every text ``plain``),
    where rich keeps every word whole; where rich would fold a word another column could
    make room for, the columns ``column_widths`` decides; and where the words cannot fit
    side by side, one record per row (``records``). A word longer than its column is cut
    short with "…", or with ``fold`` (rich's ``overflow="fold"`` columns) continued on the
    next line."""
    columns = [[name, *(row[index] for row in rows)] for index, name in enumerate(header)]
    widths = column_widths(columns, width)
    if widths is None:
        return records(title, header, rows, width)
    return grid(title, header, rows, widths, fold=fold)


def grid(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    *,
    fold: bool = False,
) -> str:
    """The boxed table with these padded column ``widths``, drawn as rich draws it."""
    table_width = sum(widths) + len(widths) + 1
    out = [*lines_of(title, table_width, pad=True)] if title else []
    out.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    for index, row in enumerate([header, *rows]):
        cells = [
            [f" {line} " for line in lines_of(text, w - 2, ellipsis=not fold, pad=True)]
            for text, w in zip(row, widths, strict=True)
        ]
        height = max(len(cell) for cell in cells)
        for cell, w in zip(cells, widths, strict=True):
            # the header sits at the bottom of its row, a body cell at the top
            blank = [" " * w] * (height - len(cell))
            cell[:] = blank + cell if index == 0 else cell + blank
        edge = "┃" if index == 0 else "│"
        out.extend(edge + edge.join(parts) + edge for parts in zip(*cells, strict=True))
        if index == 0:
            out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return "\n".join(out) + "\n"


Wrap = Callable[[str, int], list[str]]  # a text's lines at most so many cells wide


def folded(text: str, width: int) -> list[str]:
    """``text`` wrapped on words to ``width`` (a longer word folded), without trailing spaces."""
    return [line.rstrip() for line in lines_of(text, width)]


def rich_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped on words to ``width`` cells by rich (a word longer than a line folded),
    without trailing spaces: ``records``'s wrap for text of any character (imports rich)."""
    from rich.console import Console
    from rich.text import Text

    console = Console(width=max(width, 1), color_system=None, markup=False, emoji=False)
    return [line.plain.rstrip() for line in Text(text).wrap(console, width, overflow="fold")]


def records(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    wrap: Wrap = folded,
    length: Length = len,
) -> str:
    """A table too wide for ``width`` as one block per row: the first cell (the row's name)
    on lines of its own, then a "label: value" line for each other cell that is not empty,
    the values aligned; rules between the blocks. Words are wrapped whole (folded only when
    longer than a line: a URL); ``wrap`` and ``length`` are rich's for wide characters."""
    indent = "  "
    labels = [f"{name}:" for name in header[1:]]
    label_width = min(max((length(label) for label in labels), default=0), width // 3)
    room = max(1, width - len(indent) - label_width - 1)
    out = wrap(title, width) if title else []
    out.append("━" * width)
    for row in rows:
        out.extend(wrap(row[0], width) if row[0] else [])
        for label, value in zip(labels, row[1:], strict=True):
            if not value.strip():
                continue
            lines = wrap(value, room)
            if length(label) > label_width:  # a label wider than a third of the line
                out.append(indent + label)
                lines = wrap(value, width - len(indent) * 2)
                out.extend(indent * 2 + line for line in lines)
                continue
            pad = " " * (label_width - length(label) + 1)
            out.append(indent + label + pad + lines[0])
            out.extend(indent + " " * (label_width + 1) + line for line in lines[1:])
        out.append("─" * width)
    return "\n".join(out) + "\n"


def rich_table(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    show_lines: bool = False,
) -> str:
    """The table as ``table`` lays it out (``fold``), drawn by rich for text of any character
    (wide, combining): the same decisions, each column's width measured in cells; with
    ``show_lines``, a rule between the rows."""
    from rich.cells import cell_len
    from rich.table import Table

    columns = [[name, *(row[index] for row in rows)] for index, name in enumerate(header)]
    widths = column_widths(columns, width, cell_len)
    if widths is None:
        return records(title, header, rows, width, wrap=rich_lines, length=cell_len)
    buffer = io.StringIO()
    console = plain_console(buffer, width)
    grid = Table(title=title, title_justify="left", show_lines=show_lines)
    for name, padded in zip(header, widths, strict=True):
        # a word longer than its column (a URL) is folded onto the next line, not cut short
        grid.add_column(name, overflow="fold", width=padded - 2)
    for row in rows:
        grid.add_row(*row)
    console.print(grid)
    return buffer.getvalue()


def plain_console(file: io.StringIO, width: int) -> Console:
    """A rich console writing plain text to ``file``: no markup, no highlighting (it only
    adds styles, which are not printed without a colour system), no emoji codes."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        force_terminal=False,
        color_system=None,
        markup=False,
        highlight=False,
        emoji=False,
    )


def paragraph(text: str, width: int) -> str:
    """``text`` as rich's ``Console.print`` writes it: wrapped on words to ``width``."""
    return "\n".join(lines_of(text, width)) + "\n"
