"""`obligate explain-rule DUTY-ID`: a duty as one plain-language sentence, for a reviewer who
does not read the rule language: who must do what, for whom, where, from when, unless what,
then the provision it rests on.

The condition is split: what it asks of the service says *who*, what it asks of the user says
*for whom*. Names are replaced by the words the vocabulary gives them, and a parameter by its
value in each jurisdiction that sets it.
"""

from __future__ import annotations

from collections.abc import Callable

from obligate.language import model as m
from obligate.language.diagnostics import Span
from obligate.language.resolve import Library

_COMPARE_WORDS = {
    "<": "is below",
    "<=": "is at most",
    ">": "is above",
    ">=": "is at least",
    "==": "is",
    "!=": "is not",
}
_VERBS = frozenset(
    """
    add adopt age-assure allow apply appoint ask assess assign block carry check collect
    communicate complete comply conduct configure confirm control default delete deploy
    design designate determine develop disable display do enable endeavour ensure establish
    estimate exercise explain follow give hide identify implement inform install keep let
    limit link maintain make minimise moderate monitor notify obtain offer operate perform
    post prepare preserve prevent produce protect provide publish put refuse register remove
    report request require respond restrict retain review search send set share show
    silence stop store submit suspend take test train treat turn undergo uphold use verify
    """.split()
)
_AGE_WORDS = {
    "<": "younger than",
    "<=": "aged at most",
    ">": "older than",
    ">=": "aged at least",
    "==": "aged exactly",
    "!=": "not aged",
}


def explain_rule(library: Library, duty_id: str) -> str:
    """The sentence for one duty (``KeyError`` when no duty has this id)."""
    duty = library.duties[duty_id]
    words = _Words(library, _related(library, _places(library, duty)))
    service_part, user_part = _split(duty.when)
    who = "A service" if service_part is None else words.who(service_part)
    sentence = [
        f"{who} {_what(duty)}",
        _for_whom(words, user_part),
        _where(library, duty),
        _when(library, duty),
    ]
    text = ", ".join(part for part in sentence if part)
    if duty.unless is not None:
        text += f", unless {words.clause(duty.unless)}"
    if duty.deadline is not None:
        text += f"; deadline: {_deadline(duty.deadline)}"
    lines = [text + "."]
    status = _status(library, duty)
    if status:
        lines.append(status)
    lines.append(_source(library, duty))
    return "\n".join(lines)


# ---------------------------------------------------------------- the parts of the sentence


def _what(duty: m.Duty) -> str:
    title = duty.title.strip().rstrip(".")
    lowered = title[:1].lower() + title[1:]
    if duty.modality is m.Modality.OBLIGATION:
        verb = title.split(" ", 1)[0].lower()
        # Most titles open with an imperative ("Verify age ..."); others name the duty
        # ("Parental consent below the digital-consent age").
        return f"must {lowered}" if verb in _VERBS else f"must ensure {lowered}"
    if duty.modality is m.Modality.PROHIBITION:
        for opening in ("Do not ", "Don't ", "Never "):
            if title.startswith(opening):
                return f"must not {title.removeprefix(opening)}"
        if title.startswith("No "):
            return f"must not engage in {title.removeprefix('No ')}"
        return f"is prohibited from: {lowered}"
    if title.startswith("May "):
        return f"may {title.removeprefix('May ')}"
    return f"may: {lowered}"


def _for_whom(words: _Words, user_part: m.Condition | None) -> str:
    if user_part is None:
        return "whatever the user's age"
    return f"for users {words.user(user_part)}"


def _where(library: Library, duty: m.Duty) -> str:
    hooks = [
        (f"for users located in {_place(library, hook.jurisdiction)}")
        if hook.kind == "users_in"
        else f"when the service is established in {_place(library, hook.jurisdiction)}"
        for hook in duty.applies_to
    ]
    if hooks:
        return " or ".join(hooks)
    instrument = _instrument(library, duty)
    if instrument is not None and instrument.jurisdiction:
        return f"for users located in {_place(library, instrument.jurisdiction)}"
    return ""


def _when(library: Library, duty: m.Duty) -> str:
    instrument = _instrument(library, duty)
    effective = duty.effective or (instrument.effective if instrument else None)
    until = duty.until or (instrument.until if instrument else None)
    parts = []
    if effective:
        parts.append(f"from {effective.isoformat()}")
    if until:
        parts.append(f"until the day before {until.isoformat()}")
    return " ".join(parts)


def _status(library: Library, duty: m.Duty) -> str:
    instrument = _instrument(library, duty)
    status = duty.status or (instrument.status if instrument else None)
    events = (*(instrument.court if instrument else ()), *duty.court)
    lines = []
    if status is not None and status.kind is not m.StatusKind.IN_FORCE:
        shown = status.kind.value.replace("_", " ")
        if status.case:
            shown += f" in {status.case}"
        if status.since:
            shown += f" since {status.since.isoformat()}"
        if status.protecting:
            shown += f" (protecting {', '.join(status.protecting)})"
        lines.append(f"Status: {shown}.")
    for event in sorted(events, key=lambda e: e.date):
        protecting = f" (protecting {', '.join(event.protecting)})" if event.protecting else ""
        lines.append(
            f"Court: {event.date.isoformat()}, {event.event.value} in {event.case}{protecting}."
        )
    return "\n".join(lines)


def _source(library: Library, duty: m.Duty) -> str:
    if duty.cites is None:
        return "Source: not cited."
    instrument = library.instruments.get(duty.cites.instrument)
    title = f" ({instrument.title})" if instrument else ""
    url = duty.cites.url or (instrument.url if instrument else None)
    at = f" <{url}>" if url else ""
    return f"Source: {duty.cites.instrument}{title}, {duty.cites.provision}{at}."


def _deadline(deadline: m.Deadline) -> str:
    if deadline.amount is None:
        return deadline.description or ""
    described = f" {deadline.description}" if deadline.description else ""
    return f"within {deadline.text}{described}"


def _instrument(library: Library, duty: m.Duty) -> m.Instrument | None:
    return library.instruments.get(duty.cites.instrument) if duty.cites else None


def _places(library: Library, duty: m.Duty) -> set[str]:
    codes = {hook.jurisdiction for hook in duty.applies_to}
    instrument = _instrument(library, duty)
    if not codes and instrument is not None and instrument.jurisdiction:
        codes.add(instrument.jurisdiction)
    return codes


def _parents(library: Library, code: str) -> set[str]:
    node = library.jurisdictions.get(code)
    found = (
        {name for name, _ in (*node.member_of, *node.part_of, *node.party_to)} if node else set()
    )
    found |= {
        treaty
        for treaty, other in library.jurisdictions.items()
        if any(name == code for name, _ in other.parties)
    }
    return found


def _related(library: Library, codes: set[str]) -> set[str]:
    """The places a duty reaches and the places above them (whose parameters they inherit)
    and below them (which may set their own)."""
    above = set(codes)
    frontier = list(codes)
    while frontier:
        for parent in _parents(library, frontier.pop()) - above:
            above.add(parent)
            frontier.append(parent)
    below = {code for code in library.jurisdictions if _ancestors(library, code) & codes}
    return above | below


def _ancestors(library: Library, code: str) -> set[str]:
    seen: set[str] = set()
    frontier = [code]
    while frontier:
        for parent in _parents(library, frontier.pop()) - seen:
            seen.add(parent)
            frontier.append(parent)
    return seen


def _place(library: Library, code: str) -> str:
    node = library.jurisdictions.get(code)
    return f"{node.name} ({code})" if node else code


# ---------------------------------------------------------------- conditions in words


def _reads_user(node: m.Condition) -> bool:
    if isinstance(node, m.AllOf | m.AnyOf):
        return any(_reads_user(item) for item in node.items)
    if isinstance(node, m.Not):
        return _reads_user(node.item)
    if isinstance(node, m.Truth | m.Member):
        return node.fact.subject == "user"
    if isinstance(node, m.Compare):
        return any(
            isinstance(o, m.FactRef) and o.subject == "user" for o in (node.left, node.right)
        )
    return False


def _split(when: m.Condition | None) -> tuple[m.Condition | None, m.Condition | None]:
    """The part of a condition about the service, and the part about the user."""
    if when is None:
        return None, None
    items = list(when.items) if isinstance(when, m.AllOf) else [when]
    service = [item for item in items if not _reads_user(item)]
    user = [item for item in items if _reads_user(item)]
    return _joined(service, when.span), _joined(user, when.span)


def _joined(items: list[m.Condition], span: Span) -> m.Condition | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else m.AllOf(span=span, items=tuple(items))


class _Words:
    """Conditions in words, with the vocabulary's descriptions and the parameters' values in
    the places the duty reaches."""

    def __init__(self, library: Library, places: set[str]) -> None:
        self.library = library
        self.places = places

    def who(self, node: m.Condition) -> str:
        """`A service that is an online platform and that has direct messaging`."""
        items = node.items if isinstance(node, m.AllOf) else (node,)
        return "A service " + " and ".join(self._relative(item) for item in items)

    def _relative(self, node: m.Condition) -> str:
        predicate = self._predicate(node)
        return f"that {predicate}" if predicate else f"where {self.clause(node)}"

    def _predicate(self, node: m.Condition) -> str | None:
        """A verb phrase about the service, when the condition has one."""
        if isinstance(node, m.IsA):
            return f"is {self._kind(node.name)}"
        if isinstance(node, m.HasFeature):
            return f"has {self._feature(node.name)}"
        if isinstance(node, m.Member) and node.fact.path == "service.established_in":
            return f"is established in {self._codes(node.names)}"
        if isinstance(node, m.Member) and node.fact.path == "service.types":
            return "is " + " or ".join(self._kind(name) for name in node.names)
        if isinstance(node, m.Member) and node.fact.path == "service.features":
            return "has " + " or ".join(self._feature(name) for name in node.names)
        if isinstance(node, m.Not):
            inner = self._predicate(node.item)
            if inner is not None:
                return (
                    inner.replace("is ", "is not ", 1)
                    if inner.startswith("is ")
                    else ("does not have " + inner.removeprefix("has "))
                )
        return None

    def clause(self, node: m.Condition) -> str:
        """A condition as a clause: `the service is a micro or small enterprise`."""
        if isinstance(node, m.AnyOf):
            return "either " + " or ".join(self._nested(item, self.clause) for item in node.items)
        if isinstance(node, m.AllOf):
            return " and ".join(self._nested(item, self.clause) for item in node.items)
        predicate = self._predicate(node)
        if predicate is not None:
            return f"the service {predicate}"
        if isinstance(node, m.Not):
            return f"it is not the case that {self.clause(node.item)}"
        if isinstance(node, m.Truth):
            return self._statement(node.fact)
        if isinstance(node, m.Member):
            if node.fact.name in ("established_in", "location"):
                return f"{self._noun(node.fact)} is in {self._codes(node.names)}"
            return f"{self._noun(node.fact)} include one of {', '.join(node.names)}"
        assert isinstance(node, m.Compare)
        if _is_age(node.left):
            return f"the user is {self.user(node)}"
        left, right = self._operand(node.left), self._operand(node.right)
        return f"{left} {_COMPARE_WORDS[node.op]} {right}"

    def user(self, node: m.Condition) -> str:
        """`younger than the child age (18 in EU)`."""
        if isinstance(node, m.AllOf):
            return " and ".join(self._nested(item, self.user) for item in node.items)
        if isinstance(node, m.AnyOf):
            return "either " + " or ".join(self._nested(item, self.user) for item in node.items)
        if isinstance(node, m.Not):
            return f"not {self.user(node.item)}"
        if isinstance(node, m.Compare) and _is_age(node.left):
            return f"{_AGE_WORDS[node.op]} {self._operand(node.right)}"
        return f"such that {self.clause(node)}"

    def _nested(self, node: m.Condition, words: Callable[[m.Condition], str]) -> str:
        text = words(node)
        return f"({text})" if isinstance(node, m.AnyOf | m.AllOf) else text

    def _kind(self, name: str) -> str:
        definition = self.library.definitions.get(name)
        if definition is not None:
            return f"{_with_article(definition.title)} ({name})"
        entry = self.library.types.get(name)
        described = entry.description if entry and entry.description else name.replace("_", " ")
        return f"{_with_article(described)} ({name})"

    def _feature(self, name: str) -> str:
        entry = self.library.features.get(name)
        described = f" ({entry.description})" if entry and entry.description else ""
        return name.replace("_", " ") + described

    def _statement(self, fact: m.FactRef) -> str:
        """A boolean fact as the statement its description makes."""
        entry = self.library.facts.get((fact.subject, fact.name))
        return entry.description if entry and entry.description else f"{fact.path} is true"

    def _noun(self, fact: m.FactRef) -> str:
        """A number, names or place fact as a noun phrase: `the staff headcount`."""
        entry = self.library.facts.get((fact.subject, fact.name))
        words = entry.description.split(",")[0] if entry and entry.description else fact.path
        owner = "the service's" if fact.subject == "service" else "the user's"
        if not words.lower().startswith(("the ", "a ", "an ", "where ")):
            words = f"{owner} {words}" if words == fact.path else f"the {words}"
        return f"{words} in {fact.key}" if fact.key else words

    def _operand(self, node: m.FactRef | m.NumberLit | m.ParamRef) -> str:
        if isinstance(node, m.NumberLit):
            return node.text
        if isinstance(node, m.FactRef):
            return self._noun(node)
        return self._parameter(node.name)

    def _parameter(self, name: str) -> str:
        values = [
            f"{value.value:g} in {code}"
            + (f" from {value.since.isoformat()}" if value.since else "")
            for code, node in sorted(self.library.jurisdictions.items())
            if code in self.places
            for value in node.parameters
            if value.name == name
        ]
        shown = name.replace("_", " ")
        return f"the {shown} ({'; '.join(values)})" if values else f"the {shown}"

    def _codes(self, codes: tuple[str, ...]) -> str:
        return ", ".join(codes) if len(codes) > 3 else " or ".join(codes)


def _is_age(node: m.FactRef | m.NumberLit | m.ParamRef) -> bool:
    return isinstance(node, m.FactRef) and node.subject == "user" and node.name == "age"


def _with_article(words: str) -> str:
    lowered = words.lower()
    if lowered.startswith(("a ", "an ", "the ")):
        return words
    vowel = lowered[:1] in "aeiou" and not lowered.startswith(("one", "uni", "use", "eu"))
    return f"{'an' if vowel else 'a'} {words}"
