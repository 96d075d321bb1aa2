"""Mutations of rule files for the compiler's fuzz tests (tests/test_fuzz_compile.py, on a
small fixed budget) and the longer run (benchmarks/fuzz.py): token and block mutations of
real files, and conditions of random shapes. A mutant must either compile or be refused with
positioned diagnostics, and a compiled mutant must answer a query: never a traceback, never
a hang."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from obligate.determination.rulebase import RuleBase
from obligate.language import model as m
from obligate.language.builder import parse_and_build
from obligate.language.compiler import STAGES, Compiled, Source, _Run, read_sources, version_of
from obligate.language.diagnostics import Diagnostics, RuleFileError

ROOT = Path(__file__).resolve().parents[1]

TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\d[\d_.-]*|[A-Za-z_][\w-]*|\s+|#[^\n]*|.', re.S)
POOL = (
    "not", "not not not", "and", "or", "(", ")", "{", "}", ":", ",", ".", "[", "]", '"',
    "when", "unless", "service", "user", "is", "has", "in", "<", ">=", "==",
    "obligation", "definition", "jurisdiction", "instrument", "term", "absence",
    "99999999999999999999", "10_000_000_000_000_000", "0.00001", "1e5", "-1", "0",
    "2024-02-30", "2024-2-1", "1900-01-01", "9999-12-31", "\n", "#", "ü", "\t",
    "user.age < 13", "service is online_platform", "service has targeted_advertising",
)  # fmt: skip
TOKEN_KINDS = ("delete", "duplicate", "replace", "insert", "swap", "repeat")
BLOCK_KINDS = ("delete", "duplicate", "swap", "truncate", "nest")
BLOCK_START = re.compile(r"^(?=[a-z])", re.M)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def blocks(text: str) -> list[str]:
    """The file cut before each line that starts with a word (a top-level block, mostly)."""
    return [part for part in BLOCK_START.split(text) if part]


@dataclass(frozen=True)
class Mutation:
    """One edit: ``kind`` at ``where`` (a fraction of the way through the file, so that the
    same mutation fits files of any length), with ``other`` and ``word`` where it needs them."""

    level: str  # "token" or "block"
    kind: str
    where: float
    other: float = 0.0
    word: str = "not"
    times: int = 1

    def apply(self, text: str) -> str:
        parts = tokens(text) if self.level == "token" else blocks(text)
        if not parts:
            return self.word
        i = min(int(self.where * len(parts)), len(parts) - 1)
        j = min(int(self.other * len(parts)), len(parts) - 1)
        word = f" {self.word} " if self.level == "token" else self.word
        if self.kind == "delete":
            del parts[i]
        elif self.kind == "duplicate":
            parts.insert(i, parts[i] * max(self.times, 1))
        elif self.kind == "replace":
            parts[i] = word
        elif self.kind == "insert":
            parts.insert(i, word)
        elif self.kind == "swap":
            parts[i], parts[j] = parts[j], parts[i]
        elif self.kind == "repeat":
            parts.insert(i, word * max(self.times, 1))
        elif self.kind == "truncate":
            return "".join(parts)[: int(self.where * len(text))]
        elif self.kind == "nest":
            parts.insert(i, "(" * self.times + parts[i] + ")" * self.times)
        return "".join(parts)


def mutate(text: str, mutations: Sequence[Mutation]) -> str:
    for mutation in mutations:
        text = mutation.apply(text)
    return text


# ---------------------------------------------------------------- conditions of random shapes


def condition_text(shape: object) -> str:
    """A condition from a nested shape: a leaf is a str; ("not", x), ("and", [..]),
    ("or", [..]) and ("()", x) combine them."""
    if isinstance(shape, str):
        return shape
    assert isinstance(shape, tuple)
    kind, inner = shape
    if kind == "not":
        return f"not {condition_text(inner)}"
    if kind == "()":
        return f"({condition_text(inner)})"
    assert isinstance(inner, list)
    return f" {kind} ".join(condition_text(part) for part in inner)


FACT_LEAVES = (
    "user.age < 13",
    "user.age >= 16",
    "user.age < child_age",
    "user.age < digital_consent_age",
    "service has targeted_advertising",
    "service.employees < 50",
    "service.monthly_active_users[XU] >= 45_000_000",
    "service.directed_at_children",
    "service.established_in in {XA, XB}",
)
LEAVES = (*FACT_LEAVES, "service is x_platform", "service is x_large_platform")
"""With definitions: their alternatives multiply inside the engine's normaliser, which E417
cannot foresee from the language stage (see test_fuzz_compile's expected failure)."""


def duty_with(condition: str) -> str:
    return (
        'obligation X-FUZZ "Fuzzed duty" {\n  category: safety_by_design\n'
        f'  cites: X-PLATFORM "Art. 1"\n  when: {condition}\n}}\n'
    )


# ---------------------------------------------------------------- running a mutant


class Library:
    """A rule library read once, each file parsed once, so that a mutant re-parses only the
    file it changes."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.sources = read_sources(list(paths), Diagnostics())
        diagnostics = Diagnostics()
        self.files = [parse_and_build(s.path, s.text, diagnostics) for s in self.sources]
        assert not diagnostics.has_errors, diagnostics.sorted()

    def rule_files(self) -> list[int]:
        """Indexes of the real rule files (not the prelude)."""
        return [i for i, s in enumerate(self.sources) if not s.path.startswith("<obligate>")]

    def outcome(self, index: int, text: str) -> str:
        """``compiled`` (and answered), or ``diagnostics``; anything else raises."""
        sources = list(self.sources)
        sources[index] = Source(sources[index].path, text, sources[index].key)
        diagnostics = Diagnostics()
        run = _Run(sources, diagnostics)
        run.files = list(self.files)
        run.files[index] = parse_and_build(sources[index].path, text, diagnostics)
        for _name, stage in STAGES[1:]:
            if diagnostics.has_errors:
                return "diagnostics"
            stage(run)
        if diagnostics.has_errors:
            return "diagnostics"
        compiled = Compiled(run.library, {s.path: s.text for s in sources}, version_of(sources))
        try:
            rulebase = RuleBase(compiled, cache=False)
        except RuleFileError:
            return "diagnostics"
        places = _places(run.files[index]) or ["XA"]
        for place in places[:3]:
            if place in compiled.library.jurisdictions:
                rulebase.determine(
                    {"features": ["targeted_advertising"]},
                    {"age": 15, "location": place},
                    "2026-06-01",
                )
        return "compiled"


def _places(rule_file: m.RuleFile) -> list[str]:
    """Places the file's rules speak of: its jurisdictions, its laws' and duties' places."""
    found: list[str] = []
    for block in rule_file.blocks:
        if isinstance(block, m.Jurisdiction):
            found.append(block.code)
        elif isinstance(block, m.Instrument) and block.jurisdiction:
            found.append(block.jurisdiction)
        elif isinstance(block, m.Duty):
            found.extend(hook.jurisdiction for hook in block.applies_to)
    return list(dict.fromkeys(found))
