"""Plain-text tables laid out exactly as rich lays them out, without importing rich.

The query table is printed on every `obligate query`, and rich (its import and its general
renderer) was a sixth of that command's time. This draws the one kind of table the answer
uses: an expanding table with a heavy-headed box, a header row, a left-justified title, cells
padded by one space and wrapped on words (a word longer than its column ends in "…", or is
folded onto the next line), no styles. Column widths follow rich's rules (measure, collapse
the widest, share what is left), so the bytes are rich's own: tests/test_plain_table.py
draws random tables both ways.

Only text whose every character is one cell wide is drawn here (``plain``); anything else
(a wide or combining character, a tab, a control character) goes to rich, which knows the
width of every character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from math import ceil

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


def _measure(text: str, limit: int) -> tuple[int, int]:
    """rich's (minimum, maximum) width of a padded cell holding ``text``, at most ``limit``."""
    if limit - 2 < 1:
        return limit, limit
    lines = text.splitlines()
    most = max((len(line) for line in lines), default=0)
    words = text.split()
    least = max((len(word) for word in words), default=most)
    least = min(max(0, least), most)
    most = max(least, most)
    least, most = min(least, limit), min(most, limit)
    if most < 1:
        least = most = 0
    least, most = min(least + 2, limit), min(most + 2, limit)
    return (0, 0) if most < 1 else (least, most)


def _column_widths(columns: Sequence[Sequence[str]], limit: int) -> list[int]:
    def widest(column: Sequence[str], room: int) -> int:
        if room < 1:
            return 0
        measured = [_measure(cell, room) for cell in column]
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
) -> str | None:
    """The table as rich prints ``Table(title=title, title_justify="left", expand=True)``
    with these columns and rows on a console ``width`` columns wide (every text ``plain``);
    None where the columns would be too narrow to hold a character (rich's business). A word
    longer than its column is cut short with "…", or with ``fold`` (rich's ``overflow="fold"``
    columns) continued on the next line."""
    columns = [[name, *(row[index] for row in rows)] for index, name in enumerate(header)]
    edges = len(header) + 1
    widths = _column_widths(columns, width - edges)
    table_width = sum(widths) + edges
    if min(widths) < 3 or table_width > width:
        return None
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


def paragraph(text: str, width: int) -> str:
    """``text`` as rich's ``Console.print`` writes it: wrapped on words to ``width``."""
    return "\n".join(lines_of(text, width)) + "\n"
