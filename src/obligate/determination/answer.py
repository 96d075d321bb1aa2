"""The answer: which duties apply, which depend on open facts, which are suspended or coming,
and why. These models are the stable JSON contract of DESIGN.md (keys are never renamed)."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Mapping
from typing import Any, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict

from obligate.about import CONTRACT_VERSION, ENGINE_VERSION
from obligate.language import model as m


class _Answer(BaseModel):
    # defer_build: each model's validator is built when the model is first used, not when
    # this module is imported (a command that prints no answer pays nothing for them)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CitationOut(_Answer):
    instrument: str
    instrument_title: str
    provision: str
    url: str | None


def citation_out(citation: m.Citation, instrument: m.Instrument | None) -> CitationOut:
    """A citation as answers show it: the provision's own address, else its instrument's."""
    return CitationOut(
        instrument=citation.instrument,
        instrument_title=instrument.title if instrument else "",
        provision=citation.provision,
        url=citation.url or (instrument.url if instrument else None),
    )


DEADLINE_KINDS = ("time limit", "retention", "reporting interval", "notice period")


class DeadlineOut(_Answer):
    amount: float | None
    unit: str | None
    hours: float | None
    text: str
    description: str | None
    # what the period measures: a time limit to act (the shortest is strictest), a retention
    # or preservation period (the longest), a reporting interval (the shortest: the most
    # frequent reports) or a notice period (the longest)
    kind: Literal["time limit", "retention", "reporting interval", "notice period"] = "time limit"


class TermOut(_Answer):
    """A defined term a duty rests on (or a glossary row): one law's definition of it."""

    term: str  # the canonical name (child, csam, ...)
    word: str  # the law's own word for it
    jurisdiction: str
    wording: Literal["quote", "paraphrase", "none"]
    text: str  # the quotation, the paraphrase, or why the law has no definition
    citation: CitationOut
    attributes: dict[str, bool | int | float | str] = {}
    status: str = "in_force"
    source: str


class CourtEventOut(_Answer):
    """One dated event of a law's court history."""

    date: str
    event: str  # enjoined, injunction stayed, injunction lifted, struck down, upheld
    case: str
    protecting: list[str] = []  # whom an injunction shields (empty: everyone)


class StandingOut(_Answer):
    """A duty's legal standing on the query's date, in words and in parts: its status, the
    latest court event on or before the date (case and date), and for whom an injunction in
    effect holds. Every human output shows ``text``."""

    status: str  # as the duty's ``status``
    text: str  # "in force; injunction stayed in NetChoice v. Fitch on 2025-07-17"
    latest: CourtEventOut | None = None  # the latest court event on or before the date
    protecting: list[str] = []  # for whom an injunction in effect holds (empty: everyone)
    binds_this_service: bool | None = None  # None: the answer turns on its associations


class QuestionOut(_Answer):
    """An open question a conditional duty turns on, as a person answers it."""

    fact: str  # as ``depends_on`` names it: service.directed_at_children
    question: str  # "Is it true that the service or a part of it is directed at children?"
    accepted: str  # the values the service file takes: "true or false"
    field: str | None = None  # the service-file key to set, when a service fact
    choices: list[str] = []  # the names it takes, for a list of types or features


class Explains(Protocol):
    """What makes an entry's explanation for one query (``entries.Entry``)."""

    def explanation(self, age: int | None, date: str) -> dict[str, Any]: ...


class Pending:
    """A duty's explanation before it is made: what makes it, and for which query.

    An entry's reasons, the terms it rests on, its standing and its open questions cost more
    to make than the rest of an answer and are read far less often (batch and most API
    callers read which duties apply): an answer's entries hold them as ``Pending`` until one
    of them is read. They come in two groups, each made at once when one of its fields is
    read: the standing alone (a table of duties shows it, and no reason or term), and the
    rest. Whatever reads a whole entry (its JSON, a comparison, a copy, pickle, its repr)
    makes both first, so no caller can tell."""

    __slots__ = ("source", "age", "date")

    def __init__(self, source: Explains, age: int | None, date: str) -> None:
        self.source = source
        self.age = age  # the query's age and date, as the reasons show them
        self.date = date

    def make(self) -> dict[str, Any]:
        return self.source.explanation(self.age, self.date)

    def __copy__(self) -> Pending:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Pending:
        return self  # it makes new values each time: a copy can share it


# A field of each group of explained fields (see ``Pending``): the reasons (with the terms
# and questions), and the standing.
PENDING_GROUPS = ("because", "standing")


class _Explained:
    """A field of a duty's entry made when first read (see ``Pending``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, entry: DutyOut | None, owner: type | None = None) -> Any:
        if entry is None or self.name not in entry.__dict__:
            raise AttributeError(self.name)  # as pydantic has it for a field never set
        values = entry.__dict__
        value = values[self.name]
        if type(value) is Pending:
            values.update(value.make())  # this field's group (see ``Pending``)
            value = values[self.name]
        return value

    def __set__(self, entry: DutyOut, value: Any) -> None:
        entry.__dict__[self.name] = value


class _WrittenExplained(_Answer):
    """An answer part that may hold explanations still pending (see ``Pending``): they are
    made before pydantic writes it out, since pydantic reads fields without asking."""

    def explain_now(self) -> None:
        raise NotImplementedError

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.explain_now()
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        self.explain_now()
        return super().model_dump_json(*args, **kwargs)


class DutyOut(_WrittenExplained):
    id: str
    modality: Literal["obligation", "prohibition", "permission"]
    title: str
    category: str
    jurisdiction: str
    via: list[str]
    citation: CitationOut
    effective: str | None
    until: str | None
    status: str
    deadline: DeadlineOut | None
    scope: Literal["user", "service"]
    because: list[str]
    source: str
    overrides: list[str] = []
    note: str | None = None
    terms: list[TermOut] = []  # filled by terms.terms_for_duty
    standing: StandingOut | None = None  # status, latest court event and for whom, in words
    history: list[CourtEventOut] = []  # the law's whole court history, oldest first

    def explain_now(self) -> None:
        """Make the explanation, if it is still pending (see ``Pending``)."""
        values = self.__dict__
        for name in PENDING_GROUPS:
            pending = values.get(name)
            if type(pending) is Pending:
                values.update(pending.make())

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        self.explain_now()
        return super().model_copy(update=update, deep=deep)

    def __eq__(self, other: object) -> bool:
        self.explain_now()
        if isinstance(other, DutyOut):
            other.explain_now()
        return super().__eq__(other)

    def __iter__(self) -> Generator[tuple[str, Any], None, None]:
        self.explain_now()
        yield from super().__iter__()

    def __repr_args__(self) -> Generator[tuple[str | None, Any], None, None]:
        self.explain_now()
        yield from super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        self.explain_now()
        return super().__getstate__()


def explain_all(entries: Iterable[DutyOut]) -> None:
    for entry in entries:
        entry.explain_now()


class ConditionalOut(DutyOut):
    depends_on: list[str]
    questions: list[QuestionOut] = []  # depends_on, as questions with their accepted values


class SuspensionOut(_Answer):
    status: str
    case: str | None = None
    since: str | None = None
    protecting: list[str] = []
    detail: str


class SuspendedOut(DutyOut):
    why: SuspensionOut


class ChangeOut(_Answer):
    date: str
    change: Literal["starts", "ends", "status", "parameter"]
    detail: str


class UpcomingOut(DutyOut):
    changes: list[ChangeOut]


class DisplacedOut(_Answer):
    id: str
    by: str
    citation: CitationOut
    source: str


class ConflictOut(_Answer):
    category: str
    duties: list[str]
    detail: str


class ParameterOut(_Answer):
    value: float | int
    from_: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "from": self.from_}


class LibraryOut(_Answer):
    """A rule folder's release (its library.toml): name, semantic version, date law read."""

    name: str
    version: str | None = None
    law_read: str | None = None


class RulebaseOut(_Answer):
    """What answered: the content hash of the rule files (``version``), the number of duties,
    and (added in contract 1.1) the engine, the contract, and each rule folder's release."""

    version: str
    rules: int
    engine: str = ENGINE_VERSION
    contract: str = CONTRACT_VERSION
    libraries: list[LibraryOut] = []


class Determination(_WrittenExplained):
    query: dict[str, Any]
    rulebase: RulebaseOut
    jurisdictions: list[str]
    parameters: dict[str, ParameterOut]
    duties: list[DutyOut]
    conditional: list[ConditionalOut]
    suspended: list[SuspendedOut]
    upcoming: list[UpcomingOut]
    displaced: list[DisplacedOut]
    conflicts: list[ConflictOut]

    def explain_now(self) -> None:
        """Make every entry's explanation that is still pending (see ``Pending``): what
        pydantic writes out of an answer it reads without asking its entries."""
        for section in (self.duties, self.conditional, self.suspended, self.upcoming):
            explain_all(section)

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["parameters"] = {name: p.to_json() for name, p in self.parameters.items()}
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """The contract JSON: same rule files and query give byte-identical text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @property
    def duty_ids(self) -> list[str]:
        return [d.id for d in self.duties]


class Explanation(_WrittenExplained):
    """Why a duty applies to a query, or why it does not."""

    id: str
    outcome: Literal[
        "applies", "conditional", "suspended", "displaced", "upcoming", "does_not_apply"
    ]
    reasons: list[str]
    duty: DutyOut | None = None
    words: list[str] = []  # the reasons as sentences from the rule's own words
    citation: CitationOut | None = None  # the duty's provision and the rule-file line
    source: str | None = None
    note: str | None = None  # the duty's note: the law's text or the encoder's reading
    standing: StandingOut | None = None
    questions: list[QuestionOut] = []  # what to answer when the outcome is conditional

    def explain_now(self) -> None:
        if self.duty is not None:
            self.duty.explain_now()

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False)


# The fields of an entry made when first read (see ``Pending``), set on the classes once all
# are defined: pydantic has collected their fields by then, and reads none of these.
EXPLAINED: tuple[tuple[type[DutyOut], str], ...] = (
    (DutyOut, "because"),
    (DutyOut, "terms"),
    (DutyOut, "standing"),
    (ConditionalOut, "questions"),
)
for _kind, _name in EXPLAINED:
    setattr(_kind, _name, _Explained(_name))
