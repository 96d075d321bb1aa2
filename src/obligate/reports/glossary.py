"""The glossary rendered for people and spreadsheets: table (terminal), md, html, csv, json.

Every renderer shows the same rows: per term, each market's definitions with their citations
and attributes (nearest jurisdiction first), a market with none saying *no definition in this
law* or *not encoded*, then one divergence line per attribute.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Sequence
from itertools import zip_longest

from obligate.determination.terms import (
    Glossary,
    GlossaryDefinition,
    GlossaryTerm,
    MarketTerm,
    shown,
)
from obligate.reports import pages, plain_table

FORMATS = ("table", "json", "md", "html", "csv")

_COLUMNS = (
    ("market", 6),
    ("from", 6),
    ("the law's word", 16),
    ("definition", 46),
    ("citation", 28),
    ("attributes", 30),
)


def render(glossary: Glossary, output: str, width: int | None = None) -> str:
    """The glossary in ``output``'s format; a table laid out to ``width`` columns (None: its
    own column widths, as a file gets it)."""
    renderers: dict[str, Callable[[Glossary], str]] = {
        "table": lambda g: table(g, width),
        "json": lambda g: g.to_json() + "\n",
        "md": markdown,
        "html": html_page,
        "csv": csv_rows,
    }
    return renderers[output](glossary)


# ---------------------------------------------------------------- shared wording


def definition_text(row: GlossaryDefinition) -> str:
    if row.wording == "quote":
        return f"“{row.text}”"
    if row.wording == "paraphrase":
        return f"(paraphrase) {row.text}"
    return f"no definition in this law: {row.text}"


def citation_text(row: GlossaryDefinition) -> str:
    text = f"{row.citation.instrument} {row.citation.provision}"
    return text if row.status == "in_force" else f"{text} [{row.status.replace('_', ' ')}]"


def attribute_lines(row: GlossaryDefinition) -> list[str]:
    return [f"{name}: {shown(value)}" for name, value in row.attributes.items()]


def _empty_market(market: MarketTerm) -> str:
    return "not encoded" if market.state == "not encoded" else market.state


def _heading(term: GlossaryTerm) -> str:
    return f"{term.term} — {term.meaning}" if term.meaning else term.term


# ---------------------------------------------------------------- table


def table(glossary: Glossary, width: int | None = None) -> str:
    """The glossary as columns side by side (``_COLUMNS``' widths, the attributes unwrapped)
    or, given ``width``, laid out to it: the wrapped columns narrowed to their widest word and
    a share of the rest, below that one block per definition ("label: value" lines)."""
    heading = f"glossary on {glossary.date}; markets {', '.join(glossary.markets)}"
    rows = {term.term: _term_rows(term) for term in glossary.terms}
    widths = _own_widths(rows) if width is None else _widths(rows, width)
    texts = [cell for term in rows.values() for row in term for cell in row]
    if width is not None and (widths is None or not plain_table.plain(*texts)):
        # the columns are measured in characters: text with a wide character goes to the
        # records, which rich wraps by the cell
        return _records(glossary, rows, width)
    assert widths is not None
    out = [*_lines(heading, width), ""]
    for term in glossary.terms:
        out.extend(_lines(_heading(term), width))
        out.append(_row([name for name, _ in _COLUMNS], widths, width))
        out.append(_row(["-" * w for w in widths], widths, width))
        out.extend(_row(cells, widths, width) for cells in rows[term.term])
        out.extend(line for text in _divergence_lines(term) for line in _lines(text, width, 4))
        out.append("")
    return "\n".join(out)


_GAP = 2  # spaces between columns


def _term_rows(term: GlossaryTerm) -> list[list[str]]:
    rows = []
    for market in term.markets:
        if market.state == "not encoded":
            rows.append([market.market, "", "", "not encoded", "", ""])
        for row in market.definitions:
            rows.append(
                [
                    market.market,
                    row.jurisdiction,
                    row.word,
                    definition_text(row),
                    citation_text(row),
                    "\n".join(attribute_lines(row)),
                ]
            )
    return rows


def _least_widths(rows: dict[str, list[list[str]]]) -> list[int]:
    """Each column's widest word (a header's too): no word is split across lines."""
    cells = [[name for name, _ in _COLUMNS], *(row for term in rows.values() for row in term)]
    columns = zip(*cells, strict=True)
    return [max(plain_table.word_width(cell) for cell in column) for column in columns]


def _own_widths(rows: dict[str, list[list[str]]]) -> list[int]:
    """``_COLUMNS``' widths, a column widened to its widest word where that is wider."""
    least = _least_widths(rows)
    return [max(w, low) for (_, w), low in zip(_COLUMNS, least, strict=True)]


def _widths(rows: dict[str, list[list[str]]], width: int) -> list[int] | None:
    """Each column's width in a table ``width`` wide: its own (``_COLUMNS``, the attributes
    as wide as their longest line) where that fits, else at least its widest word and a share
    of the rest; None where the widest words do not fit side by side."""
    least, own = _least_widths(rows), _own_widths(rows)
    attributes = [row[-1] for term in rows.values() for row in term]
    longest = max((len(line) for cell in attributes for line in cell.split("\n")), default=0)
    unwrapped = [*own[:-1], max(own[-1], longest)]
    room = width - _GAP * (len(_COLUMNS) - 1)
    if sum(least) > room:
        return None
    # the attributes' own width before their longest line: the definition needs it more
    return unwrapped if sum(unwrapped) <= room else plain_table.share(least, own, room)


def _lines(text: str, width: int | None, indent: int = 0) -> list[str]:
    """A line of the text, or (given ``width``) its lines wrapped on words to the width, those
    after the first indented ``indent`` spaces more than the first."""
    if width is None:
        return [text]
    lead = " " * (len(text) - len(text.lstrip()))
    return textwrap.wrap(
        text,
        width,
        subsequent_indent=lead + " " * indent,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [""]


def _row(cells: Sequence[str], widths: Sequence[int], width: int | None) -> str:
    # the attributes (last column) are not wrapped where the table keeps its own widths
    wrapped = [
        _wrap(cell, w) if width is not None or index < len(cells) - 1 else cell.split("\n")
        for index, (cell, w) in enumerate(zip(cells, widths, strict=True))
    ]
    lines = []
    for parts in zip_longest(*wrapped, fillvalue=""):
        padded = [part.ljust(w) for part, w in zip(parts, widths, strict=True)]
        lines.append((" " * _GAP).join(padded).rstrip())
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


def _records(glossary: Glossary, rows: dict[str, list[list[str]]], width: int) -> str:
    """Each term as one block per market definition: the market, then a "label: value" line
    for each of its columns, the divergence last."""
    texts = [cell for term in rows.values() for row in term for cell in row]
    wrap: plain_table.Wrap = plain_table.folded
    length: plain_table.Length = len
    if not plain_table.plain(*texts):
        from rich.cells import cell_len

        wrap, length = plain_table.rich_lines, cell_len
    heading = f"glossary on {glossary.date}; markets {', '.join(glossary.markets)}"
    out = [*_lines(heading, width), ""]
    header = [name for name, _ in _COLUMNS]
    for term in glossary.terms:
        block = plain_table.records(
            _heading(term), header, rows[term.term], width, wrap=wrap, length=length
        )
        out.append(block.rstrip("\n"))
        out.extend(line for text in _divergence_lines(term) for line in _lines(text, width, 4))
        out.append("")
    return "\n".join(out)


def _divergence_lines(term: GlossaryTerm) -> list[str]:
    if not term.divergences:
        return ["divergence: no attribute stated"]
    lines = ["divergence:"]
    for item in term.divergences:
        lines.append(f"  {item.attribute} ({item.label}): {item.detail}")
    return lines


# ---------------------------------------------------------------- markdown


def markdown(glossary: Glossary) -> str:
    out = [f"# Glossary on {glossary.date}", "", f"Markets: {', '.join(glossary.markets)}", ""]
    for term in glossary.terms:
        out.extend([f"## {term.term}", "", term.meaning, ""])
        out.append("| market | from | the law's word | definition | citation | attributes |")
        out.append("|---|---|---|---|---|---|")
        for market in term.markets:
            if market.state == "not encoded":
                out.append(f"| {market.market} | | | *not encoded* | | |")
            for row in market.definitions:
                text = definition_text(row)
                if row.wording == "none":
                    text = f"*no definition in this law*: {row.text}"
                citation = citation_text(row)
                if row.citation.url:
                    citation = f"[{citation}]({row.citation.url})"
                cells = [
                    market.market,
                    row.jurisdiction,
                    row.word,
                    text,
                    citation,
                    "<br>".join(attribute_lines(row)),
                ]
                out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("")
        out.append("Divergence:")
        out.append("")
        for item in term.divergences:
            out.append(f"- `{item.attribute}` ({item.label}): {_md(item.detail)}")
        if not term.divergences:
            out.append("- no attribute stated")
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------- html


def html_page(glossary: Glossary) -> str:
    return pages.render(
        "glossary.html.j2",
        glossary=glossary,
        definition_text=definition_text,
        citation_text=citation_text,
        attribute_lines=attribute_lines,
    )


# ---------------------------------------------------------------- csv


CSV_HEADER = (
    "kind",
    "term",
    "market",
    "state",
    "jurisdiction",
    "word",
    "wording",
    "text",
    "instrument",
    "provision",
    "url",
    "status",
    "attributes",
    "source",
)


def csv_rows(glossary: Glossary) -> str:
    """One row per market definition (``kind`` definition), per market with none
    (``kind`` market), and per attribute compared (``kind`` divergence: the attribute is in
    ``word``, the comparison in ``text``, ``state`` says differs or same)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for term in glossary.terms:
        for market in term.markets:
            if market.state == "not encoded":
                writer.writerow(["market", term.term, market.market, _empty_market(market)])
            for row in market.definitions:
                writer.writerow(
                    [
                        "definition",
                        term.term,
                        market.market,
                        market.state,
                        row.jurisdiction,
                        row.word,
                        row.wording,
                        row.text,
                        row.citation.instrument,
                        row.citation.provision,
                        row.citation.url or "",
                        row.status,
                        "; ".join(attribute_lines(row)),
                        row.source,
                    ]
                )
        for item in term.divergences:
            writer.writerow(
                ["divergence", term.term, "", item.label, "", item.attribute, "", item.detail]
            )
    return buffer.getvalue()
