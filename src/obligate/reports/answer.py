"""Rendering answers for people: a rich table grouped by jurisdiction, and Markdown.

JSON is the contract and comes from ``Determination.to_json``; these renderings read the same
models, so the three formats always agree.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping

from obligate.determination.answer import ConditionalOut, Determination, DutyOut, Explanation
from obligate.harmonise.periods import period_text
from obligate.reports import plain_table


def _group(duties: Iterable[DutyOut]) -> dict[str, list[DutyOut]]:
    grouped: dict[str, list[DutyOut]] = defaultdict(list)
    for duty in duties:
        grouped[duty.jurisdiction].append(duty)
    return grouped


def _citation(duty: DutyOut) -> str:
    return f"{duty.citation.instrument} {duty.citation.provision}"


def status_text(duty: DutyOut) -> str:
    """The duty's standing in words: status, the latest court event (case and date), and for
    whom an injunction holds; the bare status for an answer built without it."""
    return duty.standing.text if duty.standing else duty.status.replace("_", " ")


def questions_text(duty: ConditionalOut) -> str:
    """What to answer for a conditional duty: each question with its accepted values."""
    asked = (
        " ".join(f"{q.question} ({q.accepted})" for q in duty.questions)
        if duty.questions
        else "depends on " + ", ".join(duty.depends_on)
    )
    status = status_text(duty)
    return asked if status == "in force" else f"{asked} · status: {status}"


def _header(answer: Determination) -> str:
    query = answer.query
    user = query["user"]
    age = f"age {user['age']}" if "age" in user else "age not given"
    return (
        f"{len(answer.duties)} duties for a user in {user['location']} ({age}) on "
        f"{query['date']} · reached by {', '.join(answer.jurisdictions)} · rule base "
        f"{answer.rulebase.version}"
    )


Section = tuple[str, tuple[str, ...], list[tuple[str, ...]]]  # title, header, rows
DUTY_COLUMNS = ("duty", "category", "citation", "deadline", "status", "scope")
OTHER_COLUMNS = ("duty", "citation", "why")


def _sections(answer: Determination) -> list[Section]:
    sections: list[Section] = [
        (
            jurisdiction,
            DUTY_COLUMNS,
            [
                (
                    f"{duty.id}\n{duty.title}",
                    duty.category,
                    _citation(duty),
                    period_text(duty.deadline) if duty.deadline else "",
                    status_text(duty),
                    duty.scope,
                )
                for duty in duties
            ],
        )
        for jurisdiction, duties in _group(answer.duties).items()
    ]
    others: list[tuple[str, list[tuple[str, ...]]]] = [
        (
            "conditional (answer these questions in the service file)",
            [(d.id, _citation(d), questions_text(d)) for d in answer.conditional],
        ),
        (
            "suspended (not binding on this date)",
            [(d.id, _citation(d), status_text(d) or d.why.detail) for d in answer.suspended],
        ),
        (
            "upcoming",
            [
                (d.id, _citation(d), "; ".join(f"{c.date}: {c.detail}" for c in d.changes))
                for d in answer.upcoming
            ],
        ),
        (
            "displaced by a more specific duty",
            [
                (d.id, f"{d.citation.instrument} {d.citation.provision}", f"by {d.by}")
                for d in answer.displaced
            ],
        ),
    ]
    sections.extend((title, OTHER_COLUMNS, rows) for title, rows in others if rows)
    return sections


def table(answer: Determination, width: int = 140) -> str:
    """The answer as tables, one per jurisdiction and one per other section, each laid out
    to ``width`` by ``plain_table.table`` (rich's layout where rich keeps every word whole,
    one record per row where the words cannot fit side by side): drawn by plain_table where
    every text is one cell per character (the usual case, without importing rich), else by
    rich with the same layout decisions."""
    lines = [_header(answer)]
    parameters = ", ".join(f"{n} {p.value} (from {p.from_})" for n, p in answer.parameters.items())
    if parameters:
        lines.append(f"parameters: {parameters}")
    sections = _sections(answer)
    texts = [*lines, *(t for s in sections for t in (s[0], *s[1], *(c for r in s[2] for c in r)))]
    if plain_table.plain(*texts):
        drawn = [plain_table.paragraph(line, width) for line in lines]
        drawn += [plain_table.table(*section, width, fold=True) for section in sections]
        return "".join(drawn)
    return _rich_table(lines, sections, width)


def _rich_table(lines: list[str], sections: list[Section], width: int) -> str:
    buffer = io.StringIO()
    console = plain_table.plain_console(buffer, width)
    for line in lines:
        console.print(line)
    drawn = [plain_table.rich_table(*section, width) for section in sections]
    return buffer.getvalue() + "".join(drawn)


def markdown(answer: Determination, words: Mapping[str, list[str]] | None = None) -> str:
    """The answer in Markdown; each duty's reasons from ``words`` (duty id -> the reasons
    in sentences, as ``RuleBase.explain`` gives them) where given, else its ``because``."""
    lines = ["# Duties\n", f"{_header(answer)}\n"]
    if answer.parameters:
        lines.append("| parameter | value | from |\n|---|---|---|")
        lines.extend(f"| {n} | {p.value} | {p.from_} |" for n, p in answer.parameters.items())
        lines.append("")
    for jurisdiction, duties in _group(answer.duties).items():
        lines.append(f"## {jurisdiction}\n")
        for duty in duties:
            link = (
                f"[{_citation(duty)}]({duty.citation.url})"
                if duty.citation.url
                else _citation(duty)
            )
            deadline = f" · deadline {period_text(duty.deadline)}" if duty.deadline else ""
            lines.append(
                f"- **{duty.id}** ({duty.modality}, {duty.category}) {duty.title} — "
                f"{link}{deadline} · status: {status_text(duty)} · `{duty.source}`"
            )
            reasons = (words or {}).get(duty.id) or duty.because
            lines.extend(f"  - {reason}" for reason in reasons)
        lines.append("")
    for title, rows in (
        (
            "Conditional",
            [f"- **{d.id}** {d.title} — {questions_text(d)}" for d in answer.conditional],
        ),
        ("Suspended", [f"- **{d.id}** {d.title} — {status_text(d)}" for d in answer.suspended]),
        (
            "Upcoming",
            [
                f"- **{d.id}** {d.title} — " + "; ".join(f"{c.date}: {c.detail}" for c in d.changes)
                for d in answer.upcoming
            ],
        ),
        ("Displaced", [f"- **{d.id}** displaced by {d.by}" for d in answer.displaced]),
    ):
        if rows:
            lines.append(f"## {title}\n")
            lines.extend(rows)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def explanation_text(explanation: Explanation) -> str:
    """Why, in words: the outcome with the provision and the rule-file line, each reason as a
    sentence from the rule's own words, then the duty's note (the law's text)."""
    head = f"{explanation.id}: {explanation.outcome.replace('_', ' ')}"
    cited = explanation.citation
    lines = [head]
    if cited is not None:
        url = f" <{cited.url}>" if cited.url else ""
        lines.append(f"  {cited.instrument} {cited.provision}{url} · {explanation.source}")
    lines.extend(f"  - {reason}" for reason in (explanation.words or explanation.reasons))
    if explanation.note:
        lines.append("  note:")
        lines.extend(f"    {line.strip()}" for line in explanation.note.strip().splitlines())
    return "\n".join(lines) + "\n"
