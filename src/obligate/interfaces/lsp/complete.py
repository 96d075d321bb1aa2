"""Completion: what may be typed at the cursor, from the words before it on the line.

The line is read as text, not parsed: while a field is being typed the block does not parse.
Each context is a pattern over the text before the cursor and the kind of name it takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from obligate.language import model as m
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library
from obligate.language.syntax import FIELDS


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # one of index.KINDS, or "field"
    detail: str | None = None
    documentation: str | None = None


_WORD = r"[A-Za-z0-9_-]*"
_JURISDICTION_CONTEXT = re.compile(
    r"(?:\busers\s+in|\bestablished\s+in|\bjurisdiction\s*:|\bmember_of\s*:|\bpart_of\s*:"
    r"|\bparty_to\s*:|\bparties\s*:|\bturnover\s+in)\s*(?:[A-Za-z0-9_-]+\s*,\s*)*"
    + _WORD
    + r"$|\["
    + _WORD
    + r"$"
)
_FACT = re.compile(r"\b(service|user)\.([A-Za-z0-9_]*)$")
_FEATURE = re.compile(r"\bservice\s+has\s+" + _WORD + r"$")
_TYPE = re.compile(r"\bservice\s+is\s+" + _WORD + r"$")
_MEMBER = re.compile(r"\b(service|user)\.([A-Za-z0-9_]+)\s+in\s*\{[^}]*?" + _WORD + r"$")
_CATEGORY = re.compile(r"\bcategory\s*:\s*" + _WORD + r"$")
_INSTRUMENT = re.compile(r"(?:\bcites\s*:|\bunder|^enforcement)\s+" + _WORD + r"$")
_DUTY = re.compile(r"\boverrides\s*:\s*(?:[A-Za-z0-9_-]+\s*,\s*)*" + _WORD + r"$")
_TERMS = re.compile(r"\bterms\s*:\s*(?:[A-Za-z0-9_-]+\s*,\s*)*" + _WORD + r"$")
_PARAMETER = re.compile(r"(?:<=|>=|==|!=|<|>)\s*" + _WORD + r"$")
_FIELD = re.compile(r"^\s+[a-z_]*$")


def complete(before: str, block: str | None, library: Library) -> list[Item]:
    """Completions for the text ``before`` the cursor on its line, inside a ``block`` kind
    (`duty`, `instrument`, ...; None at the top level)."""
    if match := _FACT.search(before):
        return _facts(match.group(1), library)
    if match := _MEMBER.search(before):
        return _values(match.group(1), match.group(2), library)
    if _FEATURE.search(before):
        return _entries("feature", library.features)
    if _TYPE.search(before):
        definitions = [
            Item(name, "definition", definition.title)
            for name, definition in sorted(library.definitions.items())
        ]
        return _entries("type", library.types) + definitions
    if _CATEGORY.search(before):
        return _entries("category", library.categories)
    if _JURISDICTION_CONTEXT.search(before):
        return _jurisdictions(library)
    if _INSTRUMENT.search(before):
        return [
            Item(code, "instrument", node.title)
            for code, node in sorted(library.instruments.items())
        ]
    if _DUTY.search(before):
        return [Item(code, "duty", duty.title) for code, duty in sorted(library.duties.items())]
    if _TERMS.search(before):
        return _entries("term", library.terms)
    if _PARAMETER.search(before):
        return _entries("parameter", library.parameters)
    if block is not None and _FIELD.match(before):
        return [Item(name, "field") for name in FIELDS.get(block, ())]
    return []


def _entries(kind: str, table: dict[str, m.VocabularyEntry]) -> list[Item]:
    return [Item(name, kind, entry.description) for name, entry in sorted(table.items())]


def _facts(subject: str, library: Library) -> list[Item]:
    items = [
        Item(name, "fact", str(entry.fact_type), entry.description)
        for (owner, name), entry in sorted(library.facts.items())
        if owner == subject
    ]
    if subject == "service":
        items.extend(
            Item(name, "fact", "names", f"the service's {name}") for name in BUILTIN_LIST_FACTS
        )
    return items


def _values(subject: str, fact: str, library: Library) -> list[Item]:
    """The names `fact in {...}` accepts: types, features or jurisdictions."""
    builtin = BUILTIN_LIST_FACTS.get(fact) if subject == "service" else None
    if builtin == "type":
        return _entries("type", library.types)
    if builtin == "feature":
        return _entries("feature", library.features)
    entry = library.facts.get((subject, fact))
    if entry is not None and entry.fact_type is m.FactType.JURISDICTION:
        return _jurisdictions(library)
    return []


def _jurisdictions(library: Library) -> list[Item]:
    return [
        Item(code, "jurisdiction", node.name)
        for code, node in sorted(library.jurisdictions.items())
    ]


def block_kind(lines: list[str], line: int) -> str | None:
    """The kind of block the 0-based ``line`` is inside, from the nearest block start above."""
    for number in range(line, -1, -1):
        text = lines[number] if number < len(lines) else ""
        if text[:1].isalpha():
            word = text.split(None, 1)[0].rstrip("{")
            if number == line:
                return None  # the cursor is on a block's first line
            if word in ("obligation", "prohibition", "permission"):
                return "duty"
            return word if word in FIELDS else None
    return None
