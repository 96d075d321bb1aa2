"""Renderings of comparisons, baselines and launch checklists: table, Markdown, HTML, CSV.

JSON is each model's own ``to_json``; these read the same models, so every format agrees.
The HTML pages are self-contained (inline CSS, no scripts) and print well.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from obligate.harmonise.harmonize import (
    Baseline,
    Cell,
    Checklist,
    ChecklistItem,
    Comparison,
    Divergence,
    group_by_category,
)

STATE_MARK = {
    "required": "required",
    "prohibited": "prohibited",
    "permitted": "permitted",
    "conditional": "conditional",
    "no duty in this law": "no duty in this law",
    "not encoded": "not encoded",
}


def _hours(hours: float | None) -> str:
    if hours is None:
        return ""
    if hours < 48:
        return f"{hours:g} h"
    days = hours / 24
    return f"{days:g} d" if days < 60 else f"{days / 365.25:.3g} y"


def cell_text(cell: Cell, width: int | None = None) -> str:
    parts: list[str] = [cell.state]
    for duty in cell.duties:
        ages = "" if duty.ages == "all ages" else f" [{duty.ages}]"
        parts.append(f"{duty.id}{ages}")
    for parameter in cell.parameters:
        parts.append(f"{parameter.name} {parameter.value} ({parameter.origin})")
    if cell.shortest_deadline_hours is not None:
        parts.append(f"deadline {_hours(cell.shortest_deadline_hours)}")
    if cell.conditional:
        parts.append("open: " + ", ".join(cell.conditional))
    if cell.suspended:
        parts.append("suspended: " + ", ".join(cell.suspended))
    return "\n".join(parts)


# ---------------------------------------------------------------- compare


def compare_table(comparison: Comparison, width: int = 200) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=False, color_system=None, markup=False
    )
    bands = ", ".join(b.label for b in comparison.bands)
    console.print(
        f"Comparison on {comparison.date} · age bands from the law: {bands} · "
        f"rule base {comparison.version}"
    )
    grid = Table(show_lines=True, expand=True)
    grid.add_column("category")
    for market in comparison.markets:
        grid.add_column(market)
    for category in comparison.categories:
        grid.add_row(
            category,
            *(cell_text(comparison.cell(category, m)) for m in comparison.markets),
        )
    console.print(grid)
    return buffer.getvalue()


def compare_markdown(comparison: Comparison) -> str:
    bands = ", ".join(b.label for b in comparison.bands)
    lines = [
        f"# Comparison on {comparison.date}\n",
        f"Markets: {', '.join(comparison.markets)} · age bands from the law: {bands} · "
        f"rule base `{comparison.version}`\n",
        "| category | " + " | ".join(comparison.markets) + " |",
        "|---|" + "---|" * len(comparison.markets),
    ]
    for category in comparison.categories:
        cells = [
            cell_text(comparison.cell(category, m)).replace("\n", "<br>")
            for m in comparison.markets
        ]
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
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
        ]
    )
    for category in comparison.categories:
        for market in comparison.markets:
            cell = comparison.cell(category, market)
            parameters = "; ".join(f"{p.name}={p.value} ({p.origin})" for p in cell.parameters)
            if not cell.duties:
                writer.writerow([category, market, cell.state, "", "", "", "", "", "", parameters])
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
                    ]
                )
    return buffer.getvalue()


CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;
margin:2rem auto;max-width:1200px;padding:0 1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem;
border-bottom:2px solid #dde3ee;padding-bottom:.2rem}
.meta{color:#5b6578;margin:.2rem 0 1rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #dde3ee;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f6fb;font-weight:600}td small{color:#5b6578}
.state{display:inline-block;border-radius:.6rem;padding:0 .5rem;font-size:.8rem;
font-weight:600;margin-bottom:.2rem}
.required{background:#dbeafe;color:#1e3a8a}.prohibited{background:#fde2e1;color:#8a1c1c}
.permitted{background:#dcfce7;color:#14532d}.conditional{background:#fef3c7;color:#78350f}
.none{background:#eef0f4;color:#374151}.not-encoded{background:#fff;color:#6b7280;
border:1px dashed #9ca3af}
.item{border:1px solid #dde3ee;border-radius:.5rem;padding:.6rem .8rem;margin:.5rem 0;
break-inside:avoid}.item h3{font-size:1rem;margin:0 0 .2rem}.id{font-family:ui-monospace,
monospace;font-size:.85rem;color:#374151}.change{color:#78350f}.box{display:inline-block;
width:.9rem;height:.9rem;border:1.5px solid #374151;border-radius:.15rem;margin-right:.4rem;
vertical-align:-.1rem}a{color:#1d4ed8}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit}
h2{break-after:avoid}}
"""


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _state_badge(state: str) -> str:
    css = {"no duty in this law": "none", "not encoded": "not-encoded"}.get(state, state)
    return f'<span class="state {css}">{html.escape(state)}</span>'


def _citation_link(instrument: str, provision: str, url: str | None) -> str:
    text = html.escape(f"{instrument} {provision}")
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text


def compare_html(comparison: Comparison) -> str:
    bands = ", ".join(b.label for b in comparison.bands)
    head = "".join(f"<th>{html.escape(m)}</th>" for m in comparison.markets)
    rows = []
    for category in comparison.categories:
        cells = []
        for market in comparison.markets:
            cell = comparison.cell(category, market)
            duties = "".join(
                f'<div title="{html.escape(d.enforcement)}">'
                f'<span class="id">{html.escape(d.id)}</span> '
                f"{_citation_link(d.citation.instrument, d.citation.provision, d.citation.url)}"
                f"{'' if d.ages == 'all ages' else f' <small>[{html.escape(d.ages)}]</small>'}"
                "</div>"
                for d in cell.duties
            )
            extra = "".join(
                f"<div><small>{html.escape(p.name)} {p.value} "
                f"({html.escape(p.origin)})</small></div>"
                for p in cell.parameters
            )
            if cell.shortest_deadline_hours is not None:
                extra += (
                    f"<div><small>deadline {_hours(cell.shortest_deadline_hours)}</small></div>"
                )
            cells.append(f"<td>{_state_badge(cell.state)}{duties}{extra}</td>")
        rows.append(f"<tr><th>{html.escape(category)}</th>{''.join(cells)}</tr>")
    body = (
        f"<h1>Comparison on {comparison.date}</h1><p class=meta>Age bands from the law: "
        f"{html.escape(bands)} · rule base {comparison.version}</p>"
        f"<table><thead><tr><th>category</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(f"Comparison {comparison.date}", body)


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
        lines.append("\nconflicts")
        for conflict in baseline.conflicts:
            lines.append(
                f"  {conflict.detail}: {conflict.first.citation.instrument} "
                f"{conflict.first.citation.provision} vs "
                f"{conflict.second.citation.instrument} "
                f"{conflict.second.citation.provision}"
            )
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
    return buffer.getvalue()


def baseline_html(baseline: Baseline, divergences: Iterable[Divergence] = ()) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(line.category)}</td><td>{html.escape(line.market)}</td>"
        f"<td>{html.escape(line.text)}</td><td>"
        + (
            _citation_link(line.citation.instrument, line.citation.provision, line.citation.url)
            if line.citation
            else ""
        )
        + "</td></tr>"
        for line in baseline.lines
    )
    conflicts = "".join(f"<li>{html.escape(c.detail)}</li>" for c in baseline.conflicts)
    divergence = "".join(
        f"<tr><td>{html.escape(r.category)}</td><td>{r.score:.3f}</td>"
        f"<td>{r.imposing}/{r.markets}</td></tr>"
        for r in divergences
    )
    body = (
        "<h1>Strictest common baseline</h1>"
        f"<p class=meta>{html.escape(', '.join(baseline.markets))}"
        f" · {baseline.date}</p><table><thead><tr><th>category</th><th>market</th>"
        f"<th>reading</th><th>citation</th></tr></thead><tbody>{rows}</tbody></table>"
        + (f"<h2>Conflicts</h2><ul>{conflicts}</ul>" if conflicts else "")
        + (
            f"<h2>Divergence</h2><table><thead><tr><th>category</th><th>score</th>"
            f"<th>imposing</th></tr></thead><tbody>{divergence}</tbody></table>"
            if divergence
            else ""
        )
    )
    return _page(f"Baseline {baseline.date}", body)


# ---------------------------------------------------------------- checklist


def _item_lines(item: ChecklistItem) -> list[str]:
    markets = ", ".join(f"{m} ({a})" if a != "all ages" else m for m, a in item.ages.items())
    deadline = f" · deadline {item.deadline.text}" if item.deadline else ""
    lines = [
        f"- [ ] **{item.title}** ({item.modality}) — `{item.id}`",
        f"  - {item.citation.instrument} {item.citation.provision}{deadline}",
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
    return "\n".join(lines).rstrip() + "\n"


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
                    item.deadline.text if item.deadline else "",
                    "; ".join(f"{c.date} {c.market}: {c.detail}" for c in item.changes),
                    item.enforcement,
                ]
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


def _item_html(item: ChecklistItem) -> str:
    markets = ", ".join(
        html.escape(f"{m} ({a})" if a != "all ages" else m) for m, a in item.ages.items()
    )
    deadline = (
        f" · deadline <strong>{html.escape(item.deadline.text)}</strong>" if item.deadline else ""
    )
    changes = "".join(
        f'<div class="change">{html.escape(c.date)} [{html.escape(c.market)}]: '
        f"{html.escape(c.detail)}</div>"
        for c in item.changes
    )
    link = _citation_link(item.citation.instrument, item.citation.provision, item.citation.url)
    return (
        f'<div class="item"><h3><span class="box"></span>{html.escape(item.title)}</h3>'
        f'<div><span class="id">{html.escape(item.id)}</span> · {html.escape(item.modality)}'
        f" · {link}{deadline}</div><div><small>markets: {markets}</small></div>"
        + (
            f"<div><small>enforcement: {html.escape(item.enforcement)}</small></div>"
            if item.enforcement
            else ""
        )
        + f"{changes}</div>"
    )


def checklist_html(checklist: Checklist) -> str:
    sections = []
    for title, items in _sections(checklist):
        sections.append(
            f"<h2>{html.escape(title)} <small>({len(items)})</small></h2>"
            + "".join(_item_html(i) for i in items)
        )
    if checklist.coming:
        sections.append(
            "<h2>Coming within 12 months of launch</h2>"
            + "".join(_item_html(i) for i in checklist.coming)
        )
    if checklist.watch:
        rows = "".join(
            f"<tr><td><span class=id>{html.escape(w.id)}</span></td>"
            f"<td>{html.escape(w.market)}</td><td>{html.escape(w.title)}</td>"
            f"<td>{html.escape(w.why)}</td></tr>"
            for w in checklist.watch
        )
        sections.append(
            "<h2>Watch: suspended duties and open questions</h2><table><thead><tr>"
            "<th>duty</th><th>market</th><th>title</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    body = (
        f"<h1>Launch checklist</h1><p class=meta>Launch {checklist.launch_date} · markets "
        f"{html.escape(', '.join(checklist.markets))} · {len(checklist.items)} duties to meet "
        f"by launch · rule base {checklist.version}</p>{''.join(sections)}"
        "<p class=meta>obligate informs compliance work; it is not legal advice.</p>"
    )
    return _page(f"Launch checklist {checklist.launch_date}", body)
