"""The validated model of a rule library: what the compiler builds from syntax trees.

The model knows nothing about Lark. Every node keeps the ``Span`` it came from, so that a
compile error can underline the right token and a determination can name its source line.
Spans take part in equality; compare models with spans stripped when that matters.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from obligate.language.diagnostics import Span
from obligate.language.enforcement_model import (
    AbsenceKind as AbsenceKind,
)
from obligate.language.enforcement_model import (
    Absent as Absent,
)
from obligate.language.enforcement_model import (
    Ceiling as Ceiling,
)
from obligate.language.enforcement_model import (
    Enforcement as Enforcement,
)
from obligate.language.enforcement_model import (
    Money as Money,
)
from obligate.language.enforcement_model import (
    Penalty as Penalty,
)
from obligate.language.enforcement_model import (
    Regulator as Regulator,
)
from obligate.language.enforcement_model import (
    Sanction as Sanction,
)
from obligate.language.enforcement_model import (
    SanctionKind as SanctionKind,
)
from obligate.language.enforcement_model import (
    Source as Source,
)
from obligate.language.enforcement_model import (
    TurnoverShare as TurnoverShare,
)
from obligate.language.node import Node as Node

# ---------------------------------------------------------------- conditions


class FactRef(Node):
    """``service.employees``, ``user.age``, ``service.monthly_active_users[EU]``."""

    kind: Literal["fact"] = "fact"
    subject: Literal["service", "user"]
    name: str
    key: str | None = None

    @property
    def path(self) -> str:
        base = f"{self.subject}.{self.name}"
        return f"{base}[{self.key}]" if self.key else base


class NumberLit(Node):
    kind: Literal["number"] = "number"
    value: float

    @property
    def text(self) -> str:
        return f"{self.value:g}" if self.value != int(self.value) else f"{int(self.value):,}"


class ParamRef(Node):
    """A jurisdiction parameter, read at the user's location (nearest value first)."""

    kind: Literal["param"] = "param"
    name: str


Operand = Annotated[FactRef | NumberLit | ParamRef, Field(discriminator="kind")]


class IsA(Node):
    """``service is X``: X is a service type or a definition (decided by name resolution)."""

    kind: Literal["is"] = "is"
    name: str


class HasFeature(Node):
    kind: Literal["has"] = "has"
    name: str


class Truth(Node):
    """A boolean fact read on its own: ``service.directed_at_children``."""

    kind: Literal["truth"] = "truth"
    fact: FactRef


class Member(Node):
    """``service.types in {a, b}``: at least one of the names."""

    kind: Literal["member"] = "member"
    fact: FactRef
    names: tuple[str, ...]


Comparator = Literal["<", "<=", ">", ">=", "==", "!="]

# What each comparator means, for every stage that evaluates one.
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Compare(Node):
    kind: Literal["compare"] = "compare"
    left: Operand
    op: Comparator
    right: Operand


class AllOf(Node):
    kind: Literal["all"] = "all"
    items: tuple[Condition, ...]


class AnyOf(Node):
    kind: Literal["any"] = "any"
    items: tuple[Condition, ...]


class Not(Node):
    kind: Literal["not"] = "not"
    item: Condition


Condition = Annotated[
    IsA | HasFeature | Truth | Member | Compare | AllOf | AnyOf | Not,
    Field(discriminator="kind"),
]



# ---------------------------------------------------------------- legal metadata


class Citation(Node):
    instrument: str
    provision: str
    url: str | None = None


class CourtEventKind(StrEnum):
    ENJOINED = "enjoined"
    INJUNCTION_STAYED = "injunction stayed"
    INJUNCTION_LIFTED = "injunction lifted"
    STRUCK_DOWN = "struck down"
    UPHELD = "upheld"

    @property
    def binds(self) -> bool:
        """Whether the law binds from the day of this event (for those it concerns)."""
        return self in (
            CourtEventKind.INJUNCTION_STAYED,
            CourtEventKind.INJUNCTION_LIFTED,
            CourtEventKind.UPHELD,
        )


class CourtEvent(Node):
    date: dt.date
    event: CourtEventKind
    case: str
    protecting: tuple[str, ...] = ()


class Review(Node):
    """When a person last read the law (or its court history) against a source: the date of
    the reading, the source, and the source's own date (unknown for an undated page)."""

    on: dt.date
    source: str | None = None
    source_date: dt.date | None = None


class StatusKind(StrEnum):
    IN_FORCE = "in_force"
    PENDING = "pending"
    REPEALED = "repealed"
    ENJOINED = "enjoined"


class Status(Node):
    kind: StatusKind
    since: dt.date | None = None
    case: str | None = None
    protecting: tuple[str, ...] = ()


class DeadlineUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


HOURS_PER_UNIT = {
    DeadlineUnit.HOURS: 1.0,
    DeadlineUnit.DAYS: 24.0,
    DeadlineUnit.MONTHS: 24.0 * 365.25 / 12,
    DeadlineUnit.YEARS: 24.0 * 365.25,
}


class DeadlineKind(StrEnum):
    """What a period measures, which decides which of two is stricter."""

    TIME_LIMIT = "time limit"  # `within`: act within it; the shortest is strictest
    RETENTION = "retention"  # `retain`: keep data for it; the longest is strictest
    REPORTING = "reporting interval"  # `every`: report once per period; the shortest
    NOTICE = "notice period"  # `notice`: give notice this long ahead; the longest


DEADLINE_KEYWORDS = {
    "within": DeadlineKind.TIME_LIMIT,
    "retain": DeadlineKind.RETENTION,
    "every": DeadlineKind.REPORTING,
    "notice": DeadlineKind.NOTICE,
}


class Deadline(Node):
    """A period: an amount and a unit, or only words where the law sets no number
    ("as soon as reasonably possible"), and its kind (a time limit unless it says)."""

    amount: float | None = None
    unit: DeadlineUnit | None = None
    description: str | None = None
    kind: DeadlineKind = DeadlineKind.TIME_LIMIT

    @property
    def hours(self) -> float | None:
        """The deadline in hours, so deadlines in different units compare."""
        if self.amount is None or self.unit is None:
            return None
        return self.amount * HOURS_PER_UNIT[self.unit]

    @property
    def text(self) -> str:
        if self.amount is None or self.unit is None:
            return self.description or ""
        amount = f"{self.amount:g}"
        unit = self.unit.value[:-1] if self.amount == 1 else self.unit.value
        return f"{amount} {unit}"


# ---------------------------------------------------------------- top-level blocks


class ParameterValue(Node):
    name: str
    value: float
    since: dt.date | None = None
    under: Citation | None = None


class Jurisdiction(Node):
    code: str
    name: str
    member_of: tuple[tuple[str, Span], ...] = ()
    part_of: tuple[tuple[str, Span], ...] = ()
    party_to: tuple[tuple[str, Span], ...] = ()
    parties: tuple[tuple[str, Span], ...] = ()
    parameters: tuple[ParameterValue, ...] = ()
    note: str | None = None


class Instrument(Node):
    id: str
    title: str
    jurisdiction: str | None = None
    jurisdiction_span: Span | None = None
    url: str | None = None
    adopted: dt.date | None = None
    effective: dt.date | None = None
    until: dt.date | None = None
    status: Status | None = None
    court: tuple[CourtEvent, ...] = ()
    reviewed: Review | None = None
    court_reviewed: Review | None = None
    note: str | None = None


class FactType(StrEnum):
    NUMBER = "number"
    BOOLEAN = "boolean"
    JURISDICTION = "jurisdiction"
    NAMES = "names"
    NUMBER_PER_JURISDICTION = "number per jurisdiction"


class AttributeType(StrEnum):
    """What a defined term's attribute holds: `one of` is a closed list of names."""

    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"
    ONE_OF = "one of"


class VocabularyEntry(Node):
    kind: Literal["type", "feature", "fact", "parameter", "category", "term", "attribute"]
    name: str
    subject: Literal["service", "user"] | None = None
    fact_type: FactType | None = None
    attribute_type: AttributeType | None = None
    choices: tuple[str, ...] = ()  # the names an `one of` attribute accepts
    description: str | None = None


class Vocabulary(Node):
    entries: tuple[VocabularyEntry, ...]


class Definition(Node):
    name: str
    title: str
    cites: Citation | None = None
    when: Condition | None = None
    note: str | None = None


class Modality(StrEnum):
    OBLIGATION = "obligation"
    PROHIBITION = "prohibition"
    PERMISSION = "permission"


class Hook(Node):
    """The territorial hook: users located in a jurisdiction, or services established there."""

    kind: Literal["users_in", "established_in"]
    jurisdiction: str


class Duty(Node):
    id: str
    modality: Modality
    title: str
    category: str | None = None
    category_span: Span | None = None
    cites: Citation | None = None
    applies_to: tuple[Hook, ...] = ()
    when: Condition | None = None
    unless: Condition | None = None
    overrides: tuple[tuple[str, Span], ...] = ()
    effective: dt.date | None = None
    until: dt.date | None = None
    status: Status | None = None
    court: tuple[CourtEvent, ...] = ()
    court_reviewed: Review | None = None
    deadline: Deadline | None = None
    terms: tuple[tuple[str, Span], ...] = ()  # defined terms the duty rests on
    note: str | None = None


class Absence(Node):
    """A reviewed gap: the jurisdiction's law has no duty of this category."""

    id: str
    title: str
    jurisdiction: str | None = None
    jurisdiction_span: Span | None = None
    category: str | None = None
    category_span: Span | None = None
    checked: dt.date | None = None
    cites: Citation | None = None
    note: str | None = None


# ---------------------------------------------------------------- defined terms


class AttributeValue(Node):
    """``age_below: 18``: an attribute a law fixes for a term, as written; its type is
    checked against the vocabulary's declaration."""

    name: str
    kind: Literal["number", "text", "name"]
    value_span: Span | None = None
    number: float | None = None
    text: str | None = None  # quoted text, or the name written (`true`, `knowingly`)

    @property
    def shown(self) -> str:
        if self.kind == "number" and self.number is not None:
            return f"{self.number:g}" if self.number != int(self.number) else str(int(self.number))
        if self.kind == "text":
            return f'"{self.text}"'
        return self.text or ""


class Term(Node):
    """One law's definition of a canonical term (``child``, ``csam``)."""

    name: str  # the canonical term, declared in a vocabulary
    title: str  # the law's own word for it ("child pornography")
    jurisdiction: str | None = None  # default: the cited instrument's jurisdiction
    jurisdiction_span: Span | None = None
    cites: Citation | None = None
    quote: str | None = None
    paraphrase: str | None = None
    none: str | None = None  # the law defines no such term: why we say so
    effective: dt.date | None = None
    until: dt.date | None = None
    attributes: tuple[AttributeValue, ...] = ()
    note: str | None = None

    @property
    def wording(self) -> Literal["quote", "paraphrase", "none"] | None:
        if self.quote is not None:
            return "quote"
        if self.paraphrase is not None:
            return "paraphrase"
        return "none" if self.none is not None else None


Block = Jurisdiction | Instrument | Vocabulary | Definition | Duty | Absence | Term | Enforcement


class RuleFile(BaseModel):
    """One parsed and built ``.obl`` file."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    path: str
    blocks: tuple[Block, ...]
