"""What the editor shows on hover: a name's description, its value by jurisdiction, its
citation, as Markdown, read from the compiled library."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from obligate.engine.evaluate import render as condition_text
from obligate.interfaces.lsp.index import Occurrence
from obligate.language import model as m
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library

Texts = Mapping[str, str]
MAX_NOTE = 600


def hover_markdown(occurrence: Occurrence, library: Library, texts: Texts) -> str | None:
    render = _RENDERERS.get(occurrence.kind)
    return render(occurrence.name, library, texts) if render is not None else None


def _citation(cites: m.Citation | None) -> str | None:
    if cites is None:
        return None
    provision = f"{cites.instrument}, {cites.provision}"
    return f"[{provision}]({cites.url})" if cites.url else provision


def _note(note: str | None) -> list[str]:
    if not note:
        return []
    flat = " ".join(note.split())
    return ["", flat if len(flat) <= MAX_NOTE else flat[:MAX_NOTE].rsplit(" ", 1)[0] + " ..."]


def _lines(head: str, rows: list[tuple[str, str | None]], tail: list[str] | None = None) -> str:
    shown = [head, ""]
    shown.extend(f"- **{label}**: {value}" for label, value in rows if value)
    shown.extend(tail or [])
    return "\n".join(shown).rstrip()


def _status(status: m.Status | None) -> str | None:
    if status is None:
        return None
    words = status.kind.value.replace("_", " ")
    if status.case:
        words += f" in {status.case}"
    if status.since:
        words += f" since {status.since}"
    return words


def _duty(name: str, library: Library, texts: Texts) -> str | None:
    duty = library.duties.get(name)
    if duty is None:
        return None
    instrument = library.instruments.get(duty.cites.instrument) if duty.cites else None
    hooks = " or ".join(
        f"{'users in' if hook.kind == 'users_in' else 'services established in'} "
        f"{hook.jurisdiction}"
        for hook in duty.applies_to
    )
    if not hooks and instrument is not None and instrument.jurisdiction:
        hooks = f"users in {instrument.jurisdiction} (the instrument's jurisdiction)"
    rows = [
        ("category", f"`{duty.category}`" if duty.category else None),
        ("cites", _citation(duty.cites)),
        ("instrument", instrument.title if instrument else None),
        ("applies to", hooks or None),
        ("when", _code(condition_text(duty.when) if duty.when else None)),
        ("unless", _code(condition_text(duty.unless) if duty.unless else None)),
        ("effective", str(duty.effective or (instrument.effective if instrument else "") or "")),
        ("until", str(duty.until) if duty.until else None),
        ("status", _status(duty.status or (instrument.status if instrument else None))),
        ("deadline", duty.deadline.text if duty.deadline else None),
    ]
    return _lines(f"**{duty.modality.value} {duty.id}**: {duty.title}", rows, _note(duty.note))


def _code(text: str | None) -> str | None:
    return f"`{text}`" if text else None


def _instrument(name: str, library: Library, texts: Texts) -> str | None:
    instrument = library.instruments.get(name)
    if instrument is None:
        return None
    enforcement = library.enforcement.get(name)
    regulators = ", ".join(r.name for r in enforcement.regulators) if enforcement else None
    rows = [
        ("jurisdiction", _jurisdiction_name(instrument.jurisdiction, library)),
        ("official text", instrument.url),
        ("adopted", str(instrument.adopted) if instrument.adopted else None),
        ("effective", str(instrument.effective) if instrument.effective else None),
        ("until", str(instrument.until) if instrument.until else None),
        ("status", _status(instrument.status) or "in force"),
        ("court events", str(len(instrument.court)) if instrument.court else None),
        ("regulator", regulators),
        ("duties", str(sum(1 for d in library.duties.values() if _cites(d, name)))),
    ]
    return _lines(
        f"**instrument {instrument.id}**: {instrument.title}", rows, _note(instrument.note)
    )


def _cites(duty: m.Duty, instrument: str) -> bool:
    return duty.cites is not None and duty.cites.instrument == instrument


def _jurisdiction_name(code: str | None, library: Library) -> str | None:
    if code is None:
        return None
    found = library.jurisdictions.get(code)
    return f"`{code}` ({found.name})" if found else f"`{code}`"


def _jurisdiction(name: str, library: Library, texts: Texts) -> str | None:
    node = library.jurisdictions.get(name)
    if node is None:
        return None
    edges = [
        ("member of", node.member_of),
        ("part of", node.part_of),
        ("party to", node.party_to),
        ("parties", node.parties),
    ]
    rows: list[tuple[str, str | None]] = [
        (label, ", ".join(f"`{code}`" for code, _ in names) or None) for label, names in edges
    ]
    rows.extend((f"`{value.name}`", _parameter_value(value)) for value in node.parameters)
    rows.extend(_inherited(node, library))
    return _lines(f"**jurisdiction {node.code}**: {node.name}", rows, _note(node.note))


def _inherited(node: m.Jurisdiction, library: Library) -> list[tuple[str, str | None]]:
    """The parameters a jurisdiction takes from the ones above it, nearest first (what a
    query located there reads when it sets none itself)."""
    own = {value.name for value in node.parameters}
    rows: list[tuple[str, str | None]] = []
    seen, frontier = {node.code}, [name for name, _ in (*node.member_of, *node.part_of)]
    while frontier:
        code = frontier.pop(0)
        parent = library.jurisdictions.get(code)
        if parent is None or code in seen:
            continue
        seen.add(code)
        for value in parent.parameters:
            if value.name not in own:
                rows.append((f"`{value.name}`", f"{_parameter_value(value)}, from `{code}`"))
        own |= {value.name for value in parent.parameters}
        frontier.extend(name for name, _ in (*parent.member_of, *parent.part_of))
    return rows


def _parameter_value(value: m.ParameterValue) -> str:
    shown = f"{value.value:g}"
    if value.since:
        shown += f" from {value.since}"
    if value.under:
        shown += f" ({_citation(value.under)})"
    return shown


def _parameter(name: str, library: Library, texts: Texts) -> str | None:
    entry = library.parameters.get(name)
    values = [
        (code, value)
        for code, node in sorted(library.jurisdictions.items())
        for value in node.parameters
        if value.name == name
    ]
    if entry is None and not values:
        return None
    table = ["", "| jurisdiction | value | from | set by |", "|---|---|---|---|"]
    table.extend(
        f"| `{code}` | {value.value:g} | {value.since or ''} | {_citation(value.under) or ''} |"
        for code, value in values
    )
    description = entry.description if entry else None
    head = f"**parameter {name}**" + (f": {description}" if description else "")
    return "\n".join([head, *(table if values else ["", "no jurisdiction sets it"])])


def _fact(name: str, library: Library, texts: Texts) -> str | None:
    subject, _, fact = name.partition(".")
    entry = library.facts.get((subject, fact))
    if entry is None:
        if subject == "service" and fact in BUILTIN_LIST_FACTS:
            return f"**service.{fact}**: names\n\nthe service's {fact} (built in)"
        return None
    return f"**{name}**: {entry.fact_type}\n\n{entry.description or ''}".rstrip()


def _word(kind: str, table: Callable[[Library], Mapping[str, m.VocabularyEntry]]) -> Renderer:
    def render(name: str, library: Library, texts: Texts) -> str | None:
        entry = table(library).get(name)
        if entry is None:
            return None
        uses = {
            "category": sum(1 for d in library.duties.values() if d.category == name),
        }.get(kind)
        head = f"**{kind} {name}**" + (f": {entry.description}" if entry.description else "")
        if entry.attribute_type is not None:
            head += f"\n\ntype: {entry.attribute_type.value}"
            if entry.choices:
                head += " {" + ", ".join(entry.choices) + "}"
        return head + (f"\n\n{uses} duties" if uses is not None else "")

    return render


def _term(name: str, library: Library, texts: Texts) -> str | None:
    entry = library.terms.get(name)
    laws = [t for t in library.term_definitions if t.name == name]
    if entry is None and not laws:
        return None
    head = f"**term {name}**" + (f": {entry.description}" if entry and entry.description else "")
    table = ["", "| jurisdiction | the law's word | cites | definition |", "|---|---|---|---|"]
    for law in sorted(laws, key=lambda t: (library.term_jurisdiction(t) or "", t.title)):
        wording = law.quote or law.paraphrase or (f"none: {law.none}" if law.none else "")
        wording = " ".join(wording.split())
        attributes = ", ".join(f"{a.name} {a.shown}" for a in law.attributes)
        cell = f"{wording[:160]}{' ...' if len(wording) > 160 else ''}"
        if attributes:
            cell += f" ({attributes})"
        table.append(
            f"| `{library.term_jurisdiction(law) or '?'}` | {law.title} | "
            f"{_citation(law.cites) or ''} | {cell.replace('|', '/')} |"
        )
    return "\n".join([head, *(table if laws else ["", "no law's definition is encoded"])])


def _definition(name: str, library: Library, texts: Texts) -> str | None:
    definition = library.definitions.get(name)
    if definition is None:
        return None
    rows = [
        ("cites", _citation(definition.cites)),
        ("when", _code(condition_text(definition.when) if definition.when else None)),
    ]
    return _lines(f"**definition {name}**: {definition.title}", rows, _note(definition.note))


def _absence(name: str, library: Library, texts: Texts) -> str | None:
    absence = library.absences.get(name)
    if absence is None:
        return None
    rows = [
        ("jurisdiction", _jurisdiction_name(absence.jurisdiction, library)),
        ("category", f"`{absence.category}`" if absence.category else None),
        ("checked", str(absence.checked) if absence.checked else None),
        ("cites", _citation(absence.cites)),
    ]
    return _lines(f"**absence {name}**: {absence.title}", rows, _note(absence.note))


Renderer = Callable[[str, Library, Texts], "str | None"]

_RENDERERS: dict[str, Renderer] = {
    "duty": _duty,
    "instrument": _instrument,
    "jurisdiction": _jurisdiction,
    "parameter": _parameter,
    "fact": _fact,
    "term": _term,
    "definition": _definition,
    "absence": _absence,
    "type": _word("type", lambda library: library.types),
    "feature": _word("feature", lambda library: library.features),
    "category": _word("category", lambda library: library.categories),
    "attribute": _word("attribute", lambda library: library.attributes),
}
