"""Renderings of comparisons, baselines and launch checklists: table, Markdown, HTML, CSV.

JSON is each model's own ``to_json``; these read the same models, so every format agrees.
The HTML pages are Jinja2 templates (``templates/compare.html.j2`` and its siblings):
self-contained (inline CSS, no scripts), and they print well.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console

from obligate.harmonise.baseline import Baseline, Divergence
from obligate.harmonise.cells import Cell
from obligate.harmonise.checklist import Checklist, ChecklistItem, group_by_category
from obligate.harmonise.compare import Comparison
from obligate.harmonise.conflicts import Conflict
from obligate.harmonise.periods import period_text
from obligate.reports import pages, plain_table

VERB = {"obligation": "must", "prohibition": "must not", "permission": "may"}


def cell_text(cell: Cell, width: int | None = None) -> str:
    """A cell for a table: its state, what applies with its verb, and why nothing applies
    when that is the case (the duties encoded but not applicable, suspended or open)."""
    parts: list[str] = [cell.state]
    for duty in cell.duties:
        ages = "" if duty.ages == "all ages" else f" [{duty.ages}]"
        parts.append(f"{VERB[duty.modality]} {duty.id}{ages}")
        if duty.standing and duty.standing != "in force":
            parts.append(f"  ({duty.standing})")
    for parameter in cell.parameters:
        parts.append(f"{parameter.name} {parameter.value} ({parameter.origin})")
    for period in cell.deadlines:
        parts.append(f"{period.text} ({period.duty})")
    for aside in cell.open:
        parts.append(f"open: {aside.id} — {aside.why}")
    for aside in cell.suspended_why:
        parts.append(f"suspended: {aside.id} — {aside.why}")
    if cell.state == "not applicable":
        parts += [f"{aside.id}: {aside.why}" for aside in cell.not_applicable]
    elif cell.not_applicable:
        parts.append(f"not applicable here: {', '.join(a.id for a in cell.not_applicable)}")
    if cell.absence:
        parts.append(f"reviewed: {cell.absence}")
    return "\n".join(parts)


# ---------------------------------------------------------------- compare


COMPARE_WIDTH = 200  # the comparison's width in a file or a pipe


def compare_table(comparison: Comparison, width: int = COMPARE_WIDTH) -> str:
    """Categories × markets as a boxed table ``width`` columns wide, each column holding its
    widest word (``plain_table.column_widths``); where the markets cannot fit side by side,
    one block per category with a "market: what applies" line for each market."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=False, color_system=None, markup=False
    )
    bands = ", ".join(b.label for b in comparison.bands)
    console.print(
        f"Comparison on {comparison.date} · age bands from the law: {bands} · "
        f"rule base {comparison.version} · a duty's status is shown where it is not plainly "
        "in force"
    )
    header = ("category", *comparison.markets)
    rows = [
        (category, *(cell_text(comparison.cell(category, m)) for m in comparison.markets))
        for category in comparison.categories
    ]
    console.file.write(plain_table.rich_table("", header, rows, width, show_lines=True))
    for line in conflict_lines(comparison.conflicts):
        console.print(line)
    return buffer.getvalue()


def conflict_lines(conflicts: Iterable[Conflict]) -> list[str]:
    """Conflicts in words, both citations given: "conflicts" and one line for each."""
    found = list(conflicts)
    if not found:
        return []
    return ["conflicts"] + [
        f"  {c.detail}: {c.first.citation.instrument} {c.first.citation.provision} vs "
        f"{c.second.citation.instrument} {c.second.citation.provision}"
        for c in found
    ]


def compare_markdown(comparison: Comparison) -> str:
    bands = ", ".join(b.label for b in comparison.bands)
    lines = [
        f"# Comparison on {comparison.date}\n",
        f"Markets: {', '.join(comparison.markets)} · age bands from the law: {bands} · "
        f"rule base `{comparison.version}` · a duty's status is shown where it is not plainly "
        "in force\n",
        "| category | " + " | ".join(comparison.markets) + " |",
        "|---|" + "---|" * len(comparison.markets),
    ]
    for category in comparison.categories:
        cells = [
            cell_text(comparison.cell(category, m)).replace("\n", "<br>")
            for m in comparison.markets
        ]
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    if comparison.conflicts:
        lines += ["\n## Conflicts\n"] + [f"- {c.detail}" for c in comparison.conflicts]
    return "\n".join(lines) + "\n"


def compare_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "category",
            "market",
            "state",
            "duty",
            "modality",
            "ages",
            "citation",
            "url",
            "deadline_hours",
            "parameters",
            "enforcement",
            "standing",
            "why",
        ]
    )
    for category in comparison.categories:
        for market in comparison.markets:
            cell = comparison.cell(category, market)
            parameters = "; ".join(f"{p.name}={p.value} ({p.origin})" for p in cell.parameters)
            if not (cell.duties or cell.open or cell.suspended_why or cell.not_applicable):
                why = f"reviewed: {cell.absence}" if cell.absence else ""
                writer.writerow(
                    [category, market, cell.state, "", "", "", "", "", "", parameters]
                    + ["", "", why]
                )
            for duty in cell.duties:
                hours = duty.deadline.hours if duty.deadline else None
                writer.writerow(
                    [
                        category,
                        market,
                        cell.state,
                        duty.id,
                        duty.modality,
                        duty.ages,
                        f"{duty.citation.instrument} {duty.citation.provision}",
                        duty.citation.url or "",
                        "" if hours is None else f"{hours:g}",
                        parameters,
                        duty.enforcement,
                        duty.standing,
                        "",
                    ]
                )
            for standing, asides in (
                ("open question", cell.open),
                ("suspended", cell.suspended_why),
                ("not applicable", cell.not_applicable),
            ):
                for aside in asides:
                    writer.writerow(
                        [category, market, cell.state, aside.id, aside.modality, ""]
                        + [f"{aside.citation.instrument} {aside.citation.provision}"]
                        + [aside.citation.url or "", "", parameters, "", standing, aside.why]
                    )
    for c in comparison.conflicts:
        cites = " vs ".join(
            f"{d.citation.instrument} {d.citation.provision}" for d in (c.first, c.second)
        )
        ids = f"{' '.join(c.first_duties)} / {' '.join(c.second_duties)}"
        markets = f"{c.first_market} / {c.second_market}"
        writer.writerow(
            [c.category, markets, "conflict", ids, "", "", cites, "", "", "", "", c.kind, c.detail]
        )
    return buffer.getvalue()


def compare_html(comparison: Comparison) -> str:
    bands = ", ".join(b.label for b in comparison.bands)
    return pages.render("compare.html.j2", comparison=comparison, bands=bands, verb=VERB)


# ---------------------------------------------------------------- baseline and divergence


def baseline_text(baseline: Baseline, divergences: Iterable[Divergence] = ()) -> str:
    lines = [f"Strictest common baseline for {', '.join(baseline.markets)} on {baseline.date}"]
    current = None
    for line in baseline.lines:
        if line.category != current:
            current = line.category
            lines.append(f"\n{current}")
        cite = f" — {line.citation.instrument} {line.citation.provision}" if line.citation else ""
        lines.append(f"  [{line.market}] {line.text}{cite}")
    if baseline.conflicts:
        lines += ["", *conflict_lines(baseline.conflicts)]
    rows = list(divergences)
    if rows:
        lines.append("\ndivergence (most divergent first; see docs/harmonise.md)")
        for row in rows:
            ages = "" if row.age_spread is None else f", age spread {row.age_spread:g}"
            deadlines = (
                "" if row.deadline_ratio is None else f", deadline ratio {row.deadline_ratio:.3g}"
            )
            lines.append(
                f"  {row.score:.3f} {row.category}: {row.imposing}/{row.markets} "
                f"markets{ages}{deadlines}"
            )
    return "\n".join(lines) + "\n"


def baseline_markdown(baseline: Baseline, divergences: Iterable[Divergence] = ()) -> str:
    lines = [
        f"# Strictest common baseline on {baseline.date}\n",
        f"Markets: {', '.join(baseline.markets)}\n",
        "| category | market | reading | citation |",
        "|---|---|---|---|",
    ]
    for line in baseline.lines:
        cite = ""
        if line.citation:
            text = f"{line.citation.instrument} {line.citation.provision}"
            cite = f"[{text}]({line.citation.url})" if line.citation.url else text
        lines.append(f"| {line.category} | {line.market} | {line.text} | {cite} |")
    if baseline.conflicts:
        lines += ["\n## Conflicts\n"] + [f"- {c.detail}" for c in baseline.conflicts]
    rows = list(divergences)
    if rows:
        lines += [
            "\n## Divergence\n",
            "| category | score | imposing | age spread | deadline ratio |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.category} | {r.score:.3f} | {r.imposing}/{r.markets} | "
            f"{'' if r.age_spread is None else f'{r.age_spread:g}'} | "
            f"{'' if r.deadline_ratio is None else f'{r.deadline_ratio:.3g}'} |"
            for r in rows
        ]
    return "\n".join(lines) + "\n"


def baseline_csv(baseline: Baseline) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["category", "kind", "market", "duty", "reading", "citation", "url"])
    for line in baseline.lines:
        citation = f"{line.citation.instrument} {line.citation.provision}" if line.citation else ""
        writer.writerow(
            [
                line.category,
                line.kind,
                line.market,
                line.duty or "",
                line.text,
                citation,
                line.citation.url if line.citation else "",
            ]
        )
    _conflict_rows(writer, baseline.conflicts)
    return buffer.getvalue()


def _conflict_rows(writer: Any, conflicts: Iterable[Conflict]) -> None:
    """One row per conflict, in the columns of the file it closes: both citations."""
    for c in conflicts:
        cites = (f"{d.citation.instrument} {d.citation.provision}" for d in (c.first, c.second))
        writer.writerow(
            [c.category, "conflict", f"{c.first_market} / {c.second_market}", ""]
            + [c.detail, " vs ".join(cites), c.first.citation.url or ""]
        )


def baseline_html(baseline: Baseline, divergences: Iterable[Divergence] = ()) -> str:
    return pages.render("baseline.html.j2", baseline=baseline, divergences=list(divergences))


# ---------------------------------------------------------------- checklist


def _item_lines(item: ChecklistItem) -> list[str]:
    markets = ", ".join(f"{m} ({a})" if a != "all ages" else m for m, a in item.ages.items())
    deadline = f" · deadline {period_text(item.deadline)}" if item.deadline else ""
    status = f" · {item.standing}" if item.standing else ""
    lines = [
        f"- [ ] **{item.title}** ({item.modality}) — `{item.id}`",
        f"  - {item.citation.instrument} {item.citation.provision}{deadline}{status}",
        f"  - markets: {markets}",
    ]
    if item.enforcement:
        lines.append(f"  - enforcement: {item.enforcement}")
    lines += [f"  - {c.date} [{c.market}]: {c.detail}" for c in item.changes]
    return lines


def _sections(checklist: Checklist) -> list[tuple[str, list[ChecklistItem]]]:
    """Items by category, or one list by exposure when the checklist is sorted that way."""
    if checklist.sort == "exposure":
        return [("By exposure (highest penalty ceilings first)", checklist.items)]
    return list(group_by_category(checklist.items).items())


def checklist_markdown(checklist: Checklist) -> str:
    lines = [
        f"# Launch checklist for {checklist.launch_date}\n",
        f"Markets: {', '.join(checklist.markets)} · {len(checklist.items)} duties to meet "
        f"by launch · rule base `{checklist.version}`\n",
    ]
    for title, items in _sections(checklist):
        lines.append(f"## {title}\n")
        for item in items:
            lines += _item_lines(item)
        lines.append("")
    if checklist.coming:
        lines.append("## Coming within 12 months of launch\n")
        for item in checklist.coming:
            lines += _item_lines(item)
        lines.append("")
    if checklist.watch:
        lines.append("## Watch: suspended duties and open questions\n")
        lines += [f"- `{w.id}` [{w.market}] {w.title} — {w.why}" for w in checklist.watch]
        lines.append("")
    lines += _gap_lines(checklist)
    return "\n".join(lines).rstrip() + "\n"


GAP_TITLES = {
    "conditional": "Open questions (a duty turns on a fact the service file leaves out)",
    "not applicable": "Encoded, but not applicable to this service",
    "no duty in this law": "No duty in this law (a reviewer recorded the absence)",
    "not encoded": "Not encoded (the library does not know: check these yourself)",
}


def _gap_lines(checklist: Checklist) -> list[str]:
    """The categories the checklist holds nothing for in some markets, by state."""
    if not checklist.gaps:
        return []
    lines = ["## What this checklist does not cover\n"]
    for state, title in GAP_TITLES.items():
        gaps = [g for g in checklist.gaps if g.state == state]
        if gaps:
            lines.append(f"{title}:\n")
            for gap in gaps:
                lines.append(f"- {gap.category}: {', '.join(gap.markets)}")
                lines += [f"  - {detail}" for detail in gap.details]
            lines.append("")
    return lines


def checklist_csv(checklist: Checklist) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "section",
            "category",
            "id",
            "title",
            "modality",
            "markets",
            "ages",
            "citation",
            "url",
            "deadline",
            "changes_next_12_months",
            "enforcement",
            "standing",
        ]
    )
    for section, items in (("by launch", checklist.items), ("coming", checklist.coming)):
        for item in items:
            writer.writerow(
                [
                    section,
                    item.category,
                    item.id,
                    item.title,
                    item.modality,
                    " ".join(item.markets),
                    "; ".join(f"{m}: {a}" for m, a in item.ages.items()),
                    f"{item.citation.instrument} {item.citation.provision}",
                    item.citation.url or "",
                    period_text(item.deadline) if item.deadline else "",
                    "; ".join(f"{c.date} {c.market}: {c.detail}" for c in item.changes),
                    item.enforcement,
                    item.standing,
                ]
            )
    for gap in checklist.gaps:
        for market in gap.markets:
            details = [d for d in gap.details if f"[{market}]" in d]
            writer.writerow(
                ["not covered", gap.category, "", "", gap.state, market, "", "", "", ""]
                + ["; ".join(details), ""]
            )
    for watch in checklist.watch:
        writer.writerow(
            [
                "watch",
                watch.category,
                watch.id,
                watch.title,
                "",
                watch.market,
                "",
                f"{watch.citation.instrument} {watch.citation.provision}",
                watch.citation.url or "",
                "",
                watch.why,
                "",
            ]
        )
    return buffer.getvalue()


def checklist_html(checklist: Checklist) -> str:
    return pages.render(
        "checklist.html.j2",
        checklist=checklist,
        sections=_sections(checklist),
        gaps=GAP_TITLES,
        period=period_text,
    )
