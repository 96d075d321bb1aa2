"""The model of `enforcement` blocks: who enforces an instrument (regulators), the most a breach
can cost (penalties in money or as a share of turnover, with their sources) and other sanctions.
Part of the model (``obligate.language.model`` re-exports every name here)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from obligate.language.node import Node


class Money(Node):
    """A fixed amount in its own currency (no exchange rates), optionally per unit."""

    kind: Literal["money"] = "money"
    amount: float
    currency: str | None = None  # ISO 4217; None only when the file forgot it (an error)
    per: str | None = None  # violation, day, user, child, ...

    @property
    def text(self) -> str:
        amount = f"{self.amount:,.2f}".removesuffix(".00")
        per = f" per {self.per}" if self.per else ""
        return f"{amount} {self.currency or '?'}{per}"


class TurnoverShare(Node):
    """A share of annual turnover: worldwide, or in one jurisdiction."""

    kind: Literal["share"] = "share"
    percent: float
    within: str | None = None  # None: worldwide turnover; else a jurisdiction code

    @property
    def text(self) -> str:
        base = "worldwide annual turnover" if self.within is None else f"turnover in {self.within}"
        return f"{self.percent:g}% of {base}"


Ceiling = Annotated[Money | TurnoverShare, Field(discriminator="kind")]


class Source(Node):
    """Where a penalty or sanction is set: a provision of the enforced instrument, or of
    another instrument named before it."""

    instrument: str | None = None
    provision: str
    url: str | None = None


class Penalty(Node):
    ceilings: tuple[Ceiling, ...]
    whichever: Literal["greater", "lower"] | None = None  # how two ceilings combine
    offence: str | None = None  # what the ceiling is for, when not every breach
    source: Source | None = None


class SanctionKind(StrEnum):
    CRIMINAL_LIABILITY_FOR_OFFICERS = "criminal liability for officers"
    SERVICE_RESTRICTION = "service restriction"
    BLOCKING = "blocking"
    SUSPENSION = "suspension"
    BAN = "ban"


class Sanction(Node):
    kind: SanctionKind
    offence: str | None = None
    source: Source | None = None


class Regulator(Node):
    name: str
    url: str | None = None


class AbsenceKind(StrEnum):
    NONE_IN_LAW = "none in this law"
    NOT_ENCODED = "not encoded"


class Absent(Node):
    """An explicit ``none in this law`` (checked) or ``not encoded`` (not researched)."""

    kind: AbsenceKind
    reason: str | None = None


class Enforcement(Node):
    """Who enforces an instrument and the most a breach can cost."""

    instrument: str
    regulators: tuple[Regulator, ...] = ()
    regulator_absent: Absent | None = None
    penalties: tuple[Penalty, ...] = ()
    penalty_absent: Absent | None = None
    sanctions: tuple[Sanction, ...] = ()
    note: str | None = None
