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
from obligate.reports import pages

FORMATS = ("table", "json", "md", "html", "csv")

_COLUMNS = (
    ("market", 6),
    ("from", 6),
    ("the law's word", 16),
    ("definition", 46),
    ("citation", 28),
    ("attributes", 30),
)


def render(glossary: Glossary, output: str) -> str:
    renderers: dict[str, Callable[[Glossary], str]] = {
        "table": table,
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


def table(glossary: Glossary) -> str:
    out = [f"glossary on {glossary.date}; markets {', '.join(glossary.markets)}", ""]
    for term in glossary.terms:
        out.append(_heading(term))
        out.append(_row([name for name, _ in _COLUMNS]))
        out.append(_row(["-" * width for _, width in _COLUMNS]))
        for market in term.markets:
            if market.state == "not encoded":
                out.append(_row([market.market, "", "", "not encoded", "", ""]))
            for row in market.definitions:
                out.append(
                    _row(
                        [
                            market.market,
                            row.jurisdiction,
                            row.word,
                            definition_text(row),
                            citation_text(row),
                            "\n".join(attribute_lines(row)),
                        ]
                    )
                )
        out.extend(_divergence_lines(term))
        out.append("")
    return "\n".join(out)


def _row(cells: Sequence[str]) -> str:
    wrapped = [
        _wrap(cell, width) if index < len(_COLUMNS) - 1 else cell.split("\n")
        for index, (cell, (_, width)) in enumerate(zip(cells, _COLUMNS, strict=True))
    ]
    lines = []
    for parts in zip_longest(*wrapped, fillvalue=""):
        padded = [part.ljust(width) for part, (_, width) in zip(parts, _COLUMNS, strict=True)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


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
