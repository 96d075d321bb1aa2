"""Stage 3, resolve names: gather the blocks of every file into one library and check that
every name a rule uses is declared (jurisdictions, instruments, facts, types, features,
categories, parameters, definitions, duties), with a did-you-mean for near misses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics, Span, did_you_mean, suggest

NodeT = TypeVar("NodeT", bound=m.Node)

BUILTIN_LIST_FACTS = {"types": "type", "features": "feature"}
# The fields of a term block: a misspelt one reaches resolve as an unknown attribute.
TERM_FIELDS = ("jurisdiction", "cites", "quote", "paraphrase", "none", "effective", "until", "note")


@dataclass
class Library:
    """Every declaration of a rule library, by name."""

    jurisdictions: dict[str, m.Jurisdiction] = field(default_factory=dict)
    instruments: dict[str, m.Instrument] = field(default_factory=dict)
    types: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    features: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    facts: dict[tuple[str, str], m.VocabularyEntry] = field(default_factory=dict)
    parameters: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    categories: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    definitions: dict[str, m.Definition] = field(default_factory=dict)
    duties: dict[str, m.Duty] = field(default_factory=dict)
    absences: dict[str, m.Absence] = field(default_factory=dict)
    terms: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    attributes: dict[str, m.VocabularyEntry] = field(default_factory=dict)
    term_definitions: list[m.Term] = field(default_factory=list)
    enforcement: dict[str, m.Enforcement] = field(default_factory=dict)

    def fact(self, ref: m.FactRef) -> m.VocabularyEntry | None:
        return self.facts.get((ref.subject, ref.name))

    def term_jurisdiction(self, term: m.Term) -> str | None:
        """Where a definition holds: its own `jurisdiction:`, else its instrument's."""
        if term.jurisdiction is not None:
            return term.jurisdiction
        instrument = self.instruments.get(term.cites.instrument) if term.cites else None
        return instrument.jurisdiction if instrument else None


def gather(files: Iterable[m.RuleFile], diagnostics: Diagnostics) -> Library:
    library = Library()
    for rule_file in files:
        for block in rule_file.blocks:
            _declare(library, block, diagnostics)
    return library


def _declare(library: Library, block: m.Block, diagnostics: Diagnostics) -> None:
    if isinstance(block, m.Jurisdiction):
        _unique(library.jurisdictions, block.code, block, "jurisdiction", diagnostics)
    elif isinstance(block, m.Instrument):
        _unique(library.instruments, block.id, block, "instrument", diagnostics)
    elif isinstance(block, m.Definition):
        _unique(library.definitions, block.name, block, "definition", diagnostics)
    elif isinstance(block, m.Duty):
        _unique(library.duties, block.id, block, "duty", diagnostics)
    elif isinstance(block, m.Absence):
        _unique(library.absences, block.id, block, "absence", diagnostics)
    elif isinstance(block, m.Term):
        library.term_definitions.append(block)
    elif isinstance(block, m.Enforcement):
        first = library.enforcement.get(block.instrument)
        if first is not None:
            diagnostics.error(
                "E205",
                f"enforcement of `{block.instrument}` is given twice",
                block.span,
                f"the first is at {first.span}; put every regulator and penalty in one block",
            )
        library.enforcement.setdefault(block.instrument, block)
    elif isinstance(block, m.Vocabulary):
        for entry in block.entries:
            _declare_word(library, entry, diagnostics)


def _unique(
    table: dict[str, NodeT], key: str, node: NodeT, what: str, diagnostics: Diagnostics
) -> None:
    if key in table:
        first = table[key].span
        diagnostics.error(
            "E201",
            f"{what} `{key}` is declared twice",
            node.span,
            f"the first declaration is at {first}",
        )
        return
    table[key] = node


def _declare_word(library: Library, entry: m.VocabularyEntry, diagnostics: Diagnostics) -> None:
    tables: dict[str, dict[str, m.VocabularyEntry]] = {
        "type": library.types,
        "feature": library.features,
        "parameter": library.parameters,
        "category": library.categories,
    }
    if entry.kind == "attribute":
        first_attribute = library.attributes.get(entry.name)
        if first_attribute is not None and (
            first_attribute.attribute_type,
            first_attribute.choices,
        ) != (entry.attribute_type, entry.choices):
            diagnostics.error(
                "E206",
                f"attribute `{entry.name}` is declared again with another type",
                entry.span,
                f"the first declaration is at {first_attribute.span}",
            )
        library.attributes.setdefault(entry.name, entry)
        return
    if entry.kind == "term":
        library.terms.setdefault(entry.name, entry)
        return
    if entry.kind == "fact":
        assert entry.subject is not None
        key = (entry.subject, entry.name)
        first = library.facts.get(key)
        # The same fact declared again with the same type is allowed: rule families declare
        # what they read without coordinating.
        if first is not None and first.fact_type != entry.fact_type:
            diagnostics.error(
                "E202",
                f"fact `{entry.subject}.{entry.name}` is declared again "
                f"with another type ({entry.fact_type} instead of {first.fact_type})",
                entry.span,
                f"the first declaration is at {first.span}",
            )
        library.facts.setdefault(key, entry)
        return
    tables[entry.kind].setdefault(entry.name, entry)


def resolve(library: Library, diagnostics: Diagnostics) -> None:
    """Report every name that is used but not declared."""
    names = _Names(library, diagnostics)
    for code, jurisdiction in library.jurisdictions.items():
        names.jurisdiction_edges(code, jurisdiction)
    for instrument in library.instruments.values():
        if instrument.jurisdiction is None:
            diagnostics.error(
                "E110",
                f"instrument `{instrument.id}` has no `jurisdiction:`",
                instrument.span,
                "add `jurisdiction: CODE` to the instrument",
            )
        else:
            names.jurisdiction(
                instrument.jurisdiction, instrument.jurisdiction_span or instrument.span
            )
    for definition in library.definitions.values():
        names.definition(definition)
    for duty in library.duties.values():
        names.duty(duty)
    for absence in library.absences.values():
        names.absence(absence)
    names.term_definitions()
    for enforcement in library.enforcement.values():
        names.enforcement(enforcement)
    for name, definition in library.definitions.items():
        if name in library.types:
            diagnostics.error(
                "E203",
                f"definition `{name}` has the name of a service type",
                definition.span,
                "rename the definition",
            )


class _Names:
    def __init__(self, library: Library, diagnostics: Diagnostics) -> None:
        self.library = library
        self.diagnostics = diagnostics

    def unknown(self, code: str, what: str, name: str, span: Span, known: Iterable[str]) -> None:
        self.diagnostics.error(code, f"unknown {what} `{name}`", span, suggest(name, known))

    def jurisdiction(self, code: str, span: Span) -> None:
        if code not in self.library.jurisdictions:
            hint = self._code_of(code) or suggest(code, self.library.jurisdictions)
            self.diagnostics.error("E101", f"unknown jurisdiction `{code}`", span, hint)

    def _code_of(self, name: str) -> str | None:
        """`Germany` is a jurisdiction's name: say its code."""
        by_name = {node.name.lower(): code for code, node in self.library.jurisdictions.items()}
        code = by_name.get(name.replace("_", " ").lower())
        if code is None:
            close = did_you_mean(
                name.replace("_", " "), [n.name for n in self.library.jurisdictions.values()]
            )
            if close is None:
                return None
            code = by_name[close.split("`")[1].lower()]
        return (
            f"jurisdictions are written by code: `{code}` ({self.library.jurisdictions[code].name})"
        )

    def jurisdiction_edges(self, code: str, node: m.Jurisdiction) -> None:
        for target, span in (*node.member_of, *node.part_of, *node.party_to, *node.parties):
            self.jurisdiction(target, span)
        for value in node.parameters:
            self.parameter(value.name, value.span)
            if value.under is not None:
                self.instrument(value.under)

    def instrument(self, citation: m.Citation) -> None:
        if citation.instrument not in self.library.instruments:
            self.unknown(
                "E102", "instrument", citation.instrument, citation.span, self.library.instruments
            )

    def parameter(self, name: str, span: Span) -> None:
        if name not in self.library.parameters:
            self.unknown("E106", "parameter", name, span, self.library.parameters)

    def definition(self, definition: m.Definition) -> None:
        if definition.cites is not None:
            self.instrument(definition.cites)
        if definition.when is None:
            self.diagnostics.error(
                "E111",
                f"definition `{definition.name}` has no `when:`",
                definition.span,
                "a definition needs a condition",
            )
        else:
            self.condition(definition.when)

    def duty(self, duty: m.Duty) -> None:
        if duty.cites is None:
            self.diagnostics.error(
                "E112",
                f"{duty.modality} `{duty.id}` cites no instrument",
                duty.span,
                'add `cites: INSTRUMENT "provision"`',
            )
        else:
            self.instrument(duty.cites)
        if duty.category is None:
            self.diagnostics.error(
                "E113",
                f"{duty.modality} `{duty.id}` has no category",
                duty.span,
                "add `category:` with a category of TAXONOMY.md",
            )
        elif duty.category not in self.library.categories:
            self.unknown(
                "E105",
                "category",
                duty.category,
                duty.category_span or duty.span,
                self.library.categories,
            )
        for hook in duty.applies_to:
            self.jurisdiction(hook.jurisdiction, hook.span)
        for name, span in duty.terms:
            self.term(name, span)
        for target, span in duty.overrides:
            if target not in self.library.duties:
                self.unknown("E108", "duty in `overrides:`", target, span, self.library.duties)
        for condition in (duty.when, duty.unless):
            if condition is not None:
                self.condition(condition)

    def absence(self, absence: m.Absence) -> None:
        missing = [
            f
            for f, v in (
                ("jurisdiction", absence.jurisdiction),
                ("category", absence.category),
                ("checked", absence.checked),
            )
            if v is None
        ]
        if missing:
            self.diagnostics.error(
                "E115",
                f"absence `{absence.id}` needs " + ", ".join(f"`{f}:`" for f in missing),
                absence.span,
                "say which jurisdiction's law was reviewed, for which category, and when",
            )
        if absence.jurisdiction is not None:
            self.jurisdiction(absence.jurisdiction, absence.jurisdiction_span or absence.span)
        if absence.category is not None and absence.category not in self.library.categories:
            self.unknown(
                "E105",
                "category",
                absence.category,
                absence.category_span or absence.span,
                self.library.categories,
            )
        if absence.cites is not None:
            self.instrument(absence.cites)

    # ------------------------------------------------------------ defined terms

    def term(self, name: str, span: Span) -> None:
        if name not in self.library.terms:
            self.unknown("E120", "term", name, span, self.library.terms)

    def term_definitions(self) -> None:
        seen: dict[tuple[str, str, str], m.Term] = {}
        for term in self.library.term_definitions:
            self.term_definition(term)
            where = self.library.term_jurisdiction(term)
            if term.cites is None or where is None:
                continue
            key = (term.name, where, term.cites.instrument)
            first = seen.setdefault(key, term)
            if first is not term:
                self.diagnostics.error(
                    "E204",
                    f"term `{term.name}` is defined twice for {where} in {term.cites.instrument}",
                    term.span,
                    f"the first definition is at {first.span}; keep one, or cite another law",
                )

    def term_definition(self, term: m.Term) -> None:
        self.term(term.name, term.span)
        if term.jurisdiction is not None:
            self.jurisdiction(term.jurisdiction, term.jurisdiction_span or term.span)
        if term.cites is None:
            self.diagnostics.error(
                "E122",
                f"term `{term.name}` cites no instrument",
                term.span,
                'add `cites: INSTRUMENT "provision"` for the law that defines it',
            )
        else:
            self.instrument(term.cites)
        wordings = [w for w in (term.quote, term.paraphrase, term.none) if w is not None]
        if len(wordings) != 1:
            found = "none of them" if not wordings else "more than one"
            self.diagnostics.error(
                "E123",
                f"term `{term.name}` needs exactly one of `quote:`, `paraphrase:` or `none:` "
                f"(found {found})",
                term.span,
                "quote the law's words; paraphrase where it gives none to quote; "
                "`none:` when the law defines no such term",
            )
        for attribute in term.attributes:
            if attribute.name not in self.library.attributes:
                self.unknown(
                    "E121",
                    "attribute",
                    attribute.name,
                    attribute.span,
                    [*self.library.attributes, *TERM_FIELDS],
                )

    # ------------------------------------------------------------ enforcement

    def enforcement(self, enforcement: m.Enforcement) -> None:
        if enforcement.instrument not in self.library.instruments:
            self.unknown(
                "E102",
                "instrument",
                enforcement.instrument,
                enforcement.span,
                self.library.instruments,
            )
        for absent, given, what in (
            (enforcement.regulator_absent, enforcement.regulators, "regulator"),
            (
                enforcement.penalty_absent,
                (*enforcement.penalties, *enforcement.sanctions),
                "penalty",
            ),
        ):
            if absent is not None and given:
                self.diagnostics.error(
                    "E413",
                    f"`{what}: {absent.kind}` contradicts the {what} given at line "
                    f"{given[0].span.line}",
                    absent.span,
                    f"keep either the {what} lines or `{what}: {absent.kind}`",
                )
        sources = [p.source for p in enforcement.penalties] + [
            s.source for s in enforcement.sanctions
        ]
        for source in sources:
            if source is not None and source.instrument is not None:
                if source.instrument not in self.library.instruments:
                    self.unknown(
                        "E102",
                        "instrument",
                        source.instrument,
                        source.span,
                        self.library.instruments,
                    )
        for penalty in enforcement.penalties:
            for ceiling in penalty.ceilings:
                if isinstance(ceiling, m.TurnoverShare) and ceiling.within is not None:
                    self.jurisdiction(ceiling.within, ceiling.span)

    def condition(self, node: m.Condition) -> None:
        for leaf in walk(node):
            self.leaf(leaf)

    def leaf(self, node: m.Condition) -> None:
        library = self.library
        if isinstance(node, m.IsA):
            if node.name not in library.types and node.name not in library.definitions:
                self.unknown(
                    "E107",
                    "service type or definition",
                    node.name,
                    node.span,
                    [*library.types, *library.definitions],
                )
        elif isinstance(node, m.HasFeature):
            if node.name not in library.features:
                self.unknown("E104", "feature", node.name, node.span, library.features)
        elif isinstance(node, m.Truth):
            self.fact(node.fact)
        elif isinstance(node, m.Member):
            self.member(node)
        elif isinstance(node, m.Compare):
            for operand in (node.left, node.right):
                if isinstance(operand, m.FactRef):
                    self.fact(operand)
                elif isinstance(operand, m.ParamRef):
                    self.parameter(operand.name, operand.span)

    def fact(self, ref: m.FactRef) -> None:
        if ref.subject == "service" and ref.name in BUILTIN_LIST_FACTS:
            return
        if self.library.fact(ref) is None:
            known = [name for (subject, name) in self.library.facts if subject == ref.subject]
            if ref.subject == "service":
                known.extend(BUILTIN_LIST_FACTS)
            self.unknown(
                "E103", "fact", ref.path, ref.span, [f"{ref.subject}.{name}" for name in known]
            )
            return
        entry = self.library.fact(ref)
        if entry is not None and entry.fact_type == m.FactType.JURISDICTION:
            return
        if ref.key is not None:
            self.jurisdiction(ref.key, ref.span)

    def member(self, node: m.Member) -> None:
        self.fact(node.fact)
        if node.fact.subject == "service" and node.fact.name in BUILTIN_LIST_FACTS:
            kind = BUILTIN_LIST_FACTS[node.fact.name]
            table = self.library.types if kind == "type" else self.library.features
            for name in node.names:
                if name not in table:
                    self.unknown("E104", kind, name, node.span, table)
            return
        entry = self.library.fact(node.fact)
        if entry is not None and entry.fact_type == m.FactType.JURISDICTION:
            for name in node.names:
                self.jurisdiction(name, node.span)


def walk(node: m.Condition) -> list[m.Condition]:
    """Every leaf of a condition, left to right (a stack, not nested generators: the
    resolver and three checks walk every condition of the library)."""
    leaves: list[m.Condition] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (m.AllOf, m.AnyOf)):
            stack.extend(reversed(current.items))
        elif isinstance(current, m.Not):
            stack.append(current.item)
        else:
            leaves.append(current)
    return leaves
