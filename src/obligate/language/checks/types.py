"""Kinds of value: comparisons between values of the same kind, facts used as the kind
they are declared, and defined terms' attributes holding the kind their declaration says."""

from __future__ import annotations

from obligate.language import model as m
from obligate.language.checks.conditions import all_conditions
from obligate.language.checks.dates import window
from obligate.language.diagnostics import Diagnostics, did_you_mean
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library, walk


def fact_kind(library: Library, ref: m.FactRef) -> str | None:
    if ref.subject == "service" and ref.name in BUILTIN_LIST_FACTS:
        return "names"
    entry = library.fact(ref)
    return entry.fact_type.value if entry and entry.fact_type else None


def _operand_kind(library: Library, operand: m.FactRef | m.NumberLit | m.ParamRef) -> str | None:
    if isinstance(operand, m.FactRef):
        kind = fact_kind(library, operand)
        if kind == m.FactType.NUMBER_PER_JURISDICTION.value:
            return "number" if operand.key else "number per jurisdiction"
        return kind
    return "number"


def types(library: Library, diagnostics: Diagnostics) -> None:
    for condition in all_conditions(library):
        for leaf in walk(condition):
            _type_of_leaf(library, leaf, diagnostics)


def _type_of_leaf(library: Library, leaf: m.Condition, diagnostics: Diagnostics) -> None:
    if isinstance(leaf, m.Compare):
        kinds = [_operand_kind(library, o) for o in (leaf.left, leaf.right)]
        if None in kinds:
            return  # unknown fact: reported by resolve
        if "number per jurisdiction" in kinds:
            diagnostics.error(
                "E404",
                "a per-jurisdiction number needs a jurisdiction: write it as `fact[CODE]`",
                leaf.span,
                "for example service.monthly_active_users[EU]",
            )
        elif kinds[0] != kinds[1] or (kinds[0] != "number" and leaf.op not in ("==", "!=")):
            diagnostics.error(
                "E403",
                f"cannot compare {kinds[0]} with {kinds[1]} using `{leaf.op}`",
                leaf.span,
                "`service is X` tests types, `service has X` tests features",
            )
    elif isinstance(leaf, m.Truth):
        kind = fact_kind(library, leaf.fact)
        if kind is not None and kind != "boolean":
            diagnostics.error(
                "E405",
                f"`{leaf.fact.path}` is a {kind}, not true or false",
                leaf.span,
                "compare it with a value",
            )
    elif isinstance(leaf, m.Member):
        kind = fact_kind(library, leaf.fact)
        if kind is not None and kind not in ("names", "jurisdiction"):
            diagnostics.error(
                "E406",
                f"`{leaf.fact.path}` is a {kind}; `in {{...}}` needs a list or a jurisdiction",
                leaf.span,
                None,
            )
    if isinstance(leaf, (m.Truth, m.Member)) and leaf.fact.key is not None:
        diagnostics.error(
            "E404",
            f"`{leaf.fact.path}` is not a per-jurisdiction number",
            leaf.span,
            "remove the `[...]`",
        )


# ---------------------------------------------------------------- defined terms

_WRITTEN = {"number": "a number", "text": "quoted text", "name": "a name"}
_EXPECTED = {
    m.AttributeType.NUMBER: ("number", "a number, such as 18"),
    m.AttributeType.BOOLEAN: ("name", "true or false"),
    m.AttributeType.TEXT: ("text", 'quoted text, such as "actual knowledge"'),
    m.AttributeType.ONE_OF: ("name", "one of the names the vocabulary lists"),
}


def term_attributes(library: Library, diagnostics: Diagnostics) -> None:
    """Each attribute of a term holds the kind of value its declaration says (and the term's
    dates are in order)."""
    for term in library.term_definitions:
        window(term.effective, term.until, term.span, diagnostics)
        for value in term.attributes:
            declared = library.attributes.get(value.name)
            if declared is not None and declared.attribute_type is not None:
                _attribute_value(declared, value, diagnostics)


def _attribute_value(
    declared: m.VocabularyEntry, value: m.AttributeValue, diagnostics: Diagnostics
) -> None:
    assert declared.attribute_type is not None
    kind, accepted = _EXPECTED[declared.attribute_type]
    if value.kind != kind:
        diagnostics.error(
            "E407",
            f"`{value.name}` holds {accepted.split(',')[0]}, but its value here is "
            f"{_WRITTEN[value.kind]} ({value.shown})",
            value.value_span or value.span,
            f"write {accepted}" + (f": {', '.join(declared.choices)}" if declared.choices else ""),
        )
        return
    if declared.attribute_type is m.AttributeType.BOOLEAN:
        choices: tuple[str, ...] = ("true", "false")
    elif declared.attribute_type is m.AttributeType.ONE_OF:
        choices = declared.choices
    else:
        return
    if value.text not in choices:
        diagnostics.error(
            "E414",
            f"`{value.text}` is not a value of `{value.name}`",
            value.value_span or value.span,
            did_you_mean(value.text or "", choices) or f"write one of: {', '.join(choices)}",
        )
