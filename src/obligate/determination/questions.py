"""Open questions in words: what a conditional duty turns on, asked the way a compliance team
answers it, from the vocabulary's own description of each fact, with the values the service
file accepts."""

from __future__ import annotations

from obligate.determination import answer as out
from obligate.language import model as m
from obligate.language.resolve import Library

_ACCEPTED = {
    m.FactType.BOOLEAN: "true or false",
    m.FactType.NUMBER: "a number",
    m.FactType.NUMBER_PER_JURISDICTION: "a number per jurisdiction code, e.g. {EU: 45000000}",
    m.FactType.NAMES: "a list of names; [] for none",
    m.FactType.JURISDICTION: "a jurisdiction code, e.g. IE",
}


def questions(library: Library, depends_on: list[str]) -> list[out.QuestionOut]:
    return [question(library, fact) for fact in depends_on]


def question(library: Library, fact: str) -> out.QuestionOut:
    """``service.directed_at_children`` -> "Is it true that the service or a part of it is
    directed at children?" (true or false)."""
    if fact.startswith("parameter "):
        name = fact.removeprefix("parameter ")
        return out.QuestionOut(
            fact=fact,
            question=f"Not a question for the service: the library sets no {name} for this "
            "place on this date, so the duty cannot be decided",
            accepted="nothing to answer",
        )
    subject, _, rest = fact.partition(".")
    name = rest.split("[", 1)[0]
    if (subject, name) == ("service", "types"):
        return _listing(fact, "What kind of service is it?", "types", library.types)
    if (subject, name) == ("service", "features"):
        return _listing(fact, "Which features does the service have?", "features", library.features)
    entry = library.facts.get((subject, name)) if subject in ("service", "user") else None
    if entry is None:
        return out.QuestionOut(fact=fact, question=f"What is {fact}?", accepted="see the rules")
    description = (entry.description or name.replace("_", " ")).rstrip(".")
    kind = entry.fact_type or m.FactType.BOOLEAN
    text = {
        m.FactType.BOOLEAN: f"Is it true that {description}?",
        m.FactType.NAMES: f"What are the {description}?",
        m.FactType.JURISDICTION: f"Which jurisdiction: {description}?",
    }.get(kind, f"What is the {description}?")
    if (subject, name) == ("user", "age"):
        text = "How old is the user?"
    return out.QuestionOut(
        fact=fact,
        question=text,
        accepted=_ACCEPTED.get(kind, "a value"),
        field=name if subject == "service" else f"user.{name}",
    )


def _listing(
    fact: str, text: str, field: str, names: dict[str, m.VocabularyEntry]
) -> out.QuestionOut:
    return out.QuestionOut(
        fact=fact,
        question=text,
        accepted=f"a list of the vocabulary's {field}, e.g. [{', '.join(sorted(names)[:2])}]",
        field=field,
        choices=sorted(names),
    )
