"""Generate the encoded part of docs/coverage.md from the rule library itself.

    python docs/tools/coverage.py            # print the generated sections
    python docs/tools/coverage.py --write    # rewrite them in docs/coverage.md
    python docs/tools/coverage.py --check    # exit 1 when docs/coverage.md is stale

The generated sections sit between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` markers; everything else in docs/coverage.md is written by
hand (the reading guide, what was left out and why) and is kept as it is.

A duty belongs to the jurisdiction of its territorial hook (``applies to:``, or by default its
instrument's jurisdiction); a duty with two hooks counts in both rows. A cell is ``none`` only
where an ``absence`` block records a review that found no such duty; ``not encoded`` otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import obligate
from obligate.determination import casebook
from obligate.determination.rulebase import RuleBase
from obligate.graph.timeline import Timeline
from obligate.language import model as m

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "coverage.md"
REVIEW_DATE = dt.date(2026, 11, 25)

ENCODED = "encoded"
NONE = "none"
NOT_ENCODED = "not encoded"

# Row groups, in the order the table shows them.
GROUPS = (
    "Union and EEA",
    "EU and EEA states",
    "United Kingdom",
    "United States (federal)",
    "United States (states)",
    "Rest of the world",
    "Treaties",
)

# Parameters that change the answer of a category's duties hooked higher up the graph: a
# member state's digital-consent age is read by the EU's GDPR Art. 8 duty, for instance.
PARAMETER_CATEGORIES = {
    "digital_consent_age": "parental_consent",
    "parental_consent_age": "parental_consent",
    "social_media_minimum_age": "minimum_age",
}

MARKER = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


@dataclass
class Coverage:
    """What the library encodes, per (jurisdiction, category)."""

    rules: RuleBase
    categories: list[str]
    duties: dict[tuple[str, str], list[m.Duty]] = field(default_factory=dict)
    absences: dict[tuple[str, str], list[m.Absence]] = field(default_factory=dict)

    @property
    def rows(self) -> list[str]:
        """Jurisdictions with at least one duty or one reviewed absence."""
        codes = {code for code, _ in self.duties} | {code for code, _ in self.absences}
        return sorted(codes, key=lambda code: row_key(self.rules, code))

    @property
    def duty_jurisdictions(self) -> list[str]:
        return sorted({code for code, _ in self.duties})

    def parameters_for(self, code: str, category: str) -> list[str]:
        """Parameters this jurisdiction sets that feed duties of the category."""
        names = {value.name for value in self.rules.jurisdictions[code].parameters}
        return sorted(n for n in names if PARAMETER_CATEGORIES.get(n) == category)

    def cell(self, code: str, category: str) -> str:
        """The cell value: encoded (a duty or a parameter), none or not encoded."""
        if (code, category) in self.duties or self.parameters_for(code, category):
            return ENCODED
        if (code, category) in self.absences:
            return NONE
        return NOT_ENCODED


def hooks(rules: RuleBase, duty: m.Duty) -> list[str]:
    """The jurisdictions a duty is hooked to (its instrument's when it names none)."""
    named = [hook.jurisdiction for hook in duty.applies_to]
    if named:
        return list(dict.fromkeys(named))
    instrument = rules.instruments.get(duty.cites.instrument) if duty.cites else None
    return [instrument.jurisdiction] if instrument and instrument.jurisdiction else []


def build(rules: RuleBase) -> Coverage:
    categories = list(rules.compiled.library.categories)
    coverage = Coverage(rules, categories)
    for duty in rules.duties.values():
        for code in hooks(rules, duty):
            coverage.duties.setdefault((code, duty.category or ""), []).append(duty)
    for absence in rules.absences.values():
        key = (absence.jurisdiction or "", absence.category or "")
        coverage.absences.setdefault(key, []).append(absence)
    for found in coverage.duties.values():
        found.sort(key=lambda duty: duty.id)
    return coverage


def row_key(rules: RuleBase, code: str) -> tuple[int, int, str]:
    """Rows by group, the union before the EEA, then by code."""
    return (group_index(rules, code), 0 if code == "EU" else 1, code)


def group_index(rules: RuleBase, code: str) -> int:
    jurisdiction = rules.jurisdictions[code]
    parents = {p for p, _ in jurisdiction.member_of} | {p for p, _ in jurisdiction.part_of}
    if code in ("EU", "EEA"):
        return 0
    if parents & {"EU", "EEA"}:
        return 1
    if code == "GB" or "GB" in parents:
        return 2
    if code == "US":
        return 3
    if "US" in parents:
        return 4
    if code.startswith("INT-"):
        return 6
    return 5


def status_today(rules: RuleBase, duty: m.Duty) -> str:
    """A short note of the duty's standing on the review date; empty when it is in force."""
    instrument = rules.instruments.get(duty.cites.instrument) if duty.cites else None
    reading = Timeline.of(duty, instrument).reading(REVIEW_DATE)
    if reading.status == "in_force":
        return ""
    if reading.status == "not_yet":
        return f"from {reading.since}"
    if reading.status == "ended":
        return f"ended {reading.since}"
    if reading.status == "pending":
        return "pending"
    if reading.status == "repealed":
        return f"repealed {reading.since}"
    injunction = reading.injunction
    words = "struck down" if reading.status == "struck_down" else "enjoined"
    if injunction is not None and injunction.protecting:
        return f"{words} {reading.since} as to {', '.join(injunction.protecting)}"
    return f"{words} {reading.since}"


def in_force_count(rules: RuleBase, duties: Iterable[m.Duty]) -> tuple[int, int]:
    found = list(duties)
    binding = sum(1 for duty in found if not status_today(rules, duty))
    return len(found), binding


def grid_cell(coverage: Coverage, code: str, category: str) -> str:
    value = coverage.cell(code, category)
    if value != ENCODED:
        return value
    parameters = coverage.parameters_for(code, category)
    if (code, category) not in coverage.duties:
        return f"{ENCODED} (parameter {', '.join(parameters)})"
    total, binding = in_force_count(coverage.rules, coverage.duties[(code, category)])
    counted = f"{total}" if binding == total else f"{total}; {total - binding} not in force"
    extra = f"; parameter {', '.join(parameters)}" if parameters else ""
    return f"{ENCODED} ({counted}{extra})"


def jurisdiction_label(rules: RuleBase, code: str) -> str:
    return f"{code} {rules.jurisdictions[code].name}"


def render_grid(coverage: Coverage) -> str:
    header = "| jurisdiction | " + " | ".join(coverage.categories) + " |"
    rule = "|---" * (len(coverage.categories) + 1) + "|"
    lines = [header, rule]
    for code in coverage.rows:
        cells = [grid_cell(coverage, code, category) for category in coverage.categories]
        lines.append(f"| {code} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def duty_entry(rules: RuleBase, duty: m.Duty) -> str:
    marks = [] if duty.modality == m.Modality.OBLIGATION else [duty.modality.value]
    if status := status_today(rules, duty):
        marks.append(status)
    extra = f" ({'; '.join(marks)})" if marks else ""
    return f"`{duty.id}`{extra} {duty.title}"


def render_details(coverage: Coverage) -> str:
    rules = coverage.rules
    lines: list[str] = []
    group = -1
    for code in coverage.rows:
        index = group_index(rules, code)
        if index != group:
            group = index
            lines += [f"### {GROUPS[index]}", ""]
        lines.append(f"- **{jurisdiction_label(rules, code)}**")
        for category in coverage.categories:
            duties = coverage.duties.get((code, category), [])
            absences = coverage.absences.get((code, category), [])
            parameters = coverage.parameters_for(code, category)
            if duties or parameters:
                lines.append(f"  - {category}: {ENCODED}")
                lines += [f"    - {duty_entry(rules, duty)}" for duty in duties]
                lines += [f"    - parameter {parameter_entry(rules, code, p)}" for p in parameters]
            for absence in absences:
                checked = absence.checked.isoformat() if absence.checked else "undated"
                lines.append(
                    f"  - {category}: {NONE}: `{absence.id}` (reviewed {checked}) {absence.title}"
                )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def parameter_entry(rules: RuleBase, code: str, name: str) -> str:
    values = [v for v in rules.jurisdictions[code].parameters if v.name == name]
    parts = []
    for value in values:
        number = int(value.value) if value.value == int(value.value) else value.value
        since = f" from {value.since}" if value.since else ""
        under = f" under `{value.under.instrument}` {value.under.provision}" if value.under else ""
        parts.append(f"`{name}` {number}{since}{under}")
    return "; ".join(parts)


def edges(rules: RuleBase, code: str, treaties: dict[str, list[str]]) -> str:
    jurisdiction = rules.jurisdictions[code]
    parts: list[str] = []
    for word, targets in (("member of", jurisdiction.member_of), ("part of", jurisdiction.part_of)):
        if targets:
            parts.append(f"{word} {', '.join(t for t, _ in targets)}")
    if treaties.get(code):
        parts.append(f"party to {', '.join(sorted(treaties[code]))}")
    parties = len(jurisdiction.parties)
    if parties:
        parts.append(f"{parties} parties")
    return "; ".join(parts) or "-"


def parameters(rules: RuleBase, code: str) -> str:
    values = []
    for value in rules.jurisdictions[code].parameters:
        number = int(value.value) if value.value == int(value.value) else value.value
        since = f" from {value.since}" if value.since else ""
        values.append(f"{value.name} {number}{since}")
    return "; ".join(values) or "-"


def treaty_memberships(rules: RuleBase) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for code, jurisdiction in rules.jurisdictions.items():
        for party, _ in jurisdiction.parties:
            found[party].append(code)
        for treaty, _ in jurisdiction.party_to:
            found[code].append(treaty)
    return {code: sorted(set(treaties)) for code, treaties in found.items()}


def render_others(coverage: Coverage) -> str:
    rules = coverage.rules
    treaties = treaty_memberships(rules)
    with_duties = set(coverage.duty_jurisdictions)
    others = [code for code in rules.jurisdictions if code not in with_duties]
    others.sort(key=lambda code: row_key(rules, code))
    lines = ["| jurisdiction | edges | parameters | reviewed absences |", "|---|---|---|---|"]
    for code in others:
        absent = sorted(a.category or "" for a in rules.absences.values() if a.jurisdiction == code)
        lines.append(
            f"| {jurisdiction_label(rules, code)} | {edges(rules, code, treaties)} | "
            f"{parameters(rules, code)} | {', '.join(absent) or '-'} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Counts:
    jurisdictions: int
    duty_jurisdictions: int
    instruments: int
    duties: int
    binding: int
    absences: int
    cases: int
    exercised: int


def counts(coverage: Coverage, cases_root: Path) -> Counts:
    rules = coverage.rules
    loaded = casebook.load_cases([cases_root])
    outcomes = list(casebook.run(rules, loaded))
    unexercised = casebook.unexercised(rules, outcomes)
    _, binding = in_force_count(rules, rules.duties.values())
    return Counts(
        jurisdictions=len(rules.jurisdictions),
        duty_jurisdictions=len(coverage.duty_jurisdictions),
        instruments=len(rules.instruments),
        duties=len(rules.duties),
        binding=binding,
        absences=len(rules.absences),
        cases=len(loaded),
        exercised=len(rules.duties) - len(unexercised),
    )


def render_counts(found: Counts) -> str:
    return "\n".join(
        [
            "| measure | count |",
            "|---|---|",
            f"| jurisdictions declared (incl. unions, treaties) | {found.jurisdictions} |",
            f"| jurisdictions with at least one duty hooked to them | {found.duty_jurisdictions} |",
            f"| instruments | {found.instruments} |",
            f"| duties (obligations, prohibitions, permissions) | {found.duties} |",
            f"| duties in force for every service on {REVIEW_DATE} | {found.binding} |",
            f"| reviewed absences (`none` cells) | {found.absences} |",
            f"| casebook cases | {found.cases} |",
            f"| duties exercised by at least one passing case | {found.exercised} |",
        ]
    )


def render_reviews(rules: RuleBase) -> str:
    """Each instrument's last reading: when, and how old the source read was."""
    lines = [
        "| instrument | jurisdiction | reviewed | source dated | court history reviewed |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(rules.instruments.values(), key=lambda i: (i.jurisdiction or "", i.id))
    for instrument in ordered:
        review = instrument.reviewed
        court = instrument.court_reviewed
        court_cell = "-" if not instrument.court else (court.on.isoformat() if court else "never")
        dated = review.source_date.isoformat() if review and review.source_date else "-"
        lines.append(
            f"| `{instrument.id}` | {instrument.jurisdiction or '-'} | "
            f"{review.on.isoformat() if review else 'never'} | {dated} | {court_cell} |"
        )
    return "\n".join(lines)


def sections(rules: RuleBase, cases_root: Path) -> dict[str, str]:
    coverage = build(rules)
    return {
        "counts": render_counts(counts(coverage, cases_root)) + "\n",
        "grid": render_grid(coverage) + "\n",
        "details": render_details(coverage),
        "others": render_others(coverage) + "\n",
        "reviews": render_reviews(rules) + "\n",
    }


def fill(document: str, generated: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in generated:
            raise KeyError(f"docs/coverage.md has an unknown generated section `{name}`")
        return f"{match.group(1)}{generated[name]}{match.group(4)}"

    return MARKER.sub(replace, document)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rules", default=str(ROOT / "rules"))
    parser.add_argument("--cases", default=str(ROOT / "casebook"))
    parser.add_argument("--doc", default=str(DOC))
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite docs/coverage.md")
    action.add_argument("--check", action="store_true", help="fail when docs/coverage.md is stale")
    args = parser.parse_args(argv)

    generated = sections(obligate.load(args.rules), Path(args.cases))
    if not (args.write or args.check):
        for name, body in generated.items():
            print(f"<!-- {name} -->\n{body}")
        return 0
    doc = Path(args.doc)
    current = doc.read_text(encoding="utf-8")
    fresh = fill(current, generated)
    if args.check:
        if fresh != current:
            print(f"{doc} is stale: run python docs/tools/coverage.py --write", file=sys.stderr)
            return 1
        return 0
    doc.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
