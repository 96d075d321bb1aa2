"""Enforcement as data: who enforces each instrument, and the most a breach can cost.

An ``enforcement`` block attaches to an instrument by id. Amounts stay in their own currency
(obligate keeps no exchange rates) and shares of turnover are compared as shares. An
instrument without a block, or whose block says ``not encoded``, is *not encoded*; one whose
law sets none says *none in this law*; the two are never worded alike.

Exposure order (``exposure_key``; highest first), so that a launch checklist can put the
costliest items on top without converting currencies:

1. instruments with penalties or sanctions, then *none in this law*, then *not encoded*;
2. the largest share of worldwide turnover, then the largest share of turnover in one place;
3. criminal liability for officers, then service restriction, blocking, suspension or ban;
4. amounts counted per violation (or per day, user, ...), which multiply;
5. fixed amounts: within one currency the larger first; different currencies are not ranked
   against each other (they group by currency code);
6. the instrument id, so that the order is stable.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from obligate.determination.query import FieldError, QueryError
from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean
from obligate.language.resolve import Library

State = Literal["given", "none in this law", "not encoded"]
_RESTRICTIONS = {
    m.SanctionKind.SERVICE_RESTRICTION,
    m.SanctionKind.BLOCKING,
    m.SanctionKind.SUSPENSION,
    m.SanctionKind.BAN,
}


class _HasLibrary(Protocol):
    @property
    def compiled(self) -> Any: ...


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceOut(_Model):
    instrument: str
    provision: str
    url: str | None


class RegulatorOut(_Model):
    name: str
    url: str | None


class CeilingOut(_Model):
    kind: Literal["money", "share"]
    amount: float | None = None
    currency: str | None = None
    per: str | None = None
    percent: float | None = None
    within: str | None = None  # share of turnover in this jurisdiction; None: worldwide
    text: str


class PenaltyOut(_Model):
    ceilings: list[CeilingOut]
    whichever: Literal["greater", "lower"] | None
    offence: str | None
    source: SourceOut | None
    text: str


class SanctionOut(_Model):
    kind: str
    offence: str | None
    source: SourceOut | None
    text: str


class Exposure(_Model):
    """What the ceilings of one instrument add up to, for ordering without exchange rates."""

    worldwide_share: float | None  # the largest percent of worldwide turnover
    local_share: float | None  # the largest percent of turnover in one jurisdiction
    officers: bool  # criminal liability for officers
    restriction: bool  # service restriction, blocking, suspension or ban
    per_unit: bool  # an amount counted per violation, day, user, ...
    amounts: dict[str, float]  # the largest fixed amount per currency
    text: str


class EnforcementOut(_Model):
    instrument: str
    instrument_title: str
    jurisdiction: str | None
    regulator_state: State
    regulators: list[RegulatorOut]
    regulator_reason: str | None
    penalty_state: State
    penalties: list[PenaltyOut]
    sanctions: list[SanctionOut]
    penalty_reason: str | None
    exposure: Exposure
    summary: str
    note: str | None
    source: str | None  # the enforcement block's file:line


# ---------------------------------------------------------------- reading a block


def _library(source: Library | _HasLibrary) -> Library:
    if isinstance(source, Library):
        return source
    library = source.compiled.library
    assert isinstance(library, Library)
    return library


def _source_out(source: m.Source | None, instrument: m.Instrument) -> SourceOut | None:
    if source is None:
        return None
    return SourceOut(
        instrument=source.instrument or instrument.id,
        provision=source.provision,
        url=source.url,
    )


def _ceiling_out(ceiling: m.Money | m.TurnoverShare) -> CeilingOut:
    if isinstance(ceiling, m.Money):
        return CeilingOut(
            kind="money",
            amount=ceiling.amount,
            currency=ceiling.currency,
            per=ceiling.per,
            text=ceiling.text,
        )
    return CeilingOut(
        kind="share", percent=ceiling.percent, within=ceiling.within, text=ceiling.text
    )


def _penalty_out(penalty: m.Penalty, instrument: m.Instrument) -> PenaltyOut:
    ceilings = [_ceiling_out(c) for c in penalty.ceilings]
    text = " or ".join(c.text for c in ceilings)
    if penalty.whichever:
        text += f", whichever is {penalty.whichever}"
    text = f"up to {text}"
    if penalty.offence:
        text += f" for {penalty.offence}"
    source = _source_out(penalty.source, instrument)
    if source is not None:
        text += f" ({_cited(source, instrument)})"
    return PenaltyOut(
        ceilings=ceilings,
        whichever=penalty.whichever,
        offence=penalty.offence,
        source=source,
        text=text,
    )


def _sanction_out(sanction: m.Sanction, instrument: m.Instrument) -> SanctionOut:
    text = sanction.kind.value
    if sanction.offence:
        text += f" ({sanction.offence})"
    source = _source_out(sanction.source, instrument)
    if source is not None:
        text += f" ({_cited(source, instrument)})"
    return SanctionOut(kind=sanction.kind.value, offence=sanction.offence, source=source, text=text)


def _cited(source: SourceOut, instrument: m.Instrument) -> str:
    if source.instrument == instrument.id:
        return source.provision
    return f"{source.instrument} {source.provision}"


def _state(given: bool, absent: m.Absent | None) -> State:
    if given:
        return "given"
    if absent is not None and absent.kind is m.AbsenceKind.NONE_IN_LAW:
        return "none in this law"
    return "not encoded"


def exposure(penalties: list[m.Penalty], sanctions: list[m.Sanction]) -> Exposure:
    shares = [c for p in penalties for c in p.ceilings if isinstance(c, m.TurnoverShare)]
    money = [c for p in penalties for c in p.ceilings if isinstance(c, m.Money)]
    worldwide = max((c.percent for c in shares if c.within is None), default=None)
    local = max((c.percent for c in shares if c.within is not None), default=None)
    amounts: dict[str, float] = {}
    for amount in money:
        currency = amount.currency or "?"
        amounts[currency] = max(amounts.get(currency, 0.0), amount.amount)
    kinds = {s.kind for s in sanctions}
    parts = [
        *([f"{worldwide:g}% of worldwide turnover"] if worldwide is not None else []),
        *([f"{local:g}% of local turnover"] if local is not None else []),
        *(f"{a:,.0f} {c}" for c, a in sorted(amounts.items())),
        *(["per violation"] if any(a.per for a in money) else []),
        *(["criminal liability for officers"] if _officers(kinds) else []),
        *(["service restriction or blocking"] if kinds & _RESTRICTIONS else []),
    ]
    return Exposure(
        worldwide_share=worldwide,
        local_share=local,
        officers=_officers(kinds),
        restriction=bool(kinds & _RESTRICTIONS),
        per_unit=any(a.per for a in money),
        amounts=dict(sorted(amounts.items())),
        text="; ".join(parts),
    )


def _officers(kinds: set[m.SanctionKind]) -> bool:
    return m.SanctionKind.CRIMINAL_LIABILITY_FOR_OFFICERS in kinds


def enforcement_of(source: Library | _HasLibrary, instrument_id: str) -> EnforcementOut:
    """Who enforces an instrument and its penalty ceilings (a ``RuleBase`` or a ``Library``).

    Raises ``QueryError`` (field ``instrument``) for an instrument the library lacks.
    """
    library = _library(source)
    instrument = library.instruments.get(instrument_id)
    if instrument is None:
        raise QueryError(
            [
                FieldError(
                    field="instrument",
                    value=instrument_id,
                    message="unknown instrument",
                    accepted="an instrument id of the rule library",
                    hint=did_you_mean(instrument_id, library.instruments),
                )
            ]
        )
    block = library.enforcement.get(instrument_id)
    penalties = list(block.penalties) if block else []
    sanctions = list(block.sanctions) if block else []
    regulators = [RegulatorOut(name=r.name, url=r.url) for r in (block.regulators if block else ())]
    regulator_state = _state(bool(regulators), block.regulator_absent if block else None)
    penalty_state = _state(bool(penalties or sanctions), block.penalty_absent if block else None)
    penalty_outs = [_penalty_out(p, instrument) for p in penalties]
    sanction_outs = [_sanction_out(s, instrument) for s in sanctions]
    return EnforcementOut(
        instrument=instrument.id,
        instrument_title=instrument.title,
        jurisdiction=instrument.jurisdiction,
        regulator_state=regulator_state,
        regulators=regulators,
        regulator_reason=_reason(block.regulator_absent if block else None),
        penalty_state=penalty_state,
        penalties=penalty_outs,
        sanctions=sanction_outs,
        penalty_reason=_reason(block.penalty_absent if block else None),
        exposure=exposure(penalties, sanctions),
        summary=_summary(regulators, regulator_state, penalty_outs, sanction_outs, penalty_state),
        note=block.note if block else None,
        source=block.span.location if block else None,
    )


def _reason(absent: m.Absent | None) -> str | None:
    return absent.reason if absent else None


def _summary(
    regulators: list[RegulatorOut],
    regulator_state: State,
    penalties: list[PenaltyOut],
    sanctions: list[SanctionOut],
    penalty_state: State,
) -> str:
    """One line for a checklist: who enforces, and the ceilings."""
    who = ", ".join(r.name for r in regulators) if regulators else f"regulator {regulator_state}"
    if penalty_state != "given":
        return f"{who}; penalties {penalty_state}"
    return "; ".join([who, *(p.text for p in penalties), *(s.text for s in sanctions)])


def enforcement_table(source: Library | _HasLibrary) -> list[EnforcementOut]:
    """Every instrument's enforcement, in exposure order (highest first)."""
    library = _library(source)
    rows = [enforcement_of(library, instrument_id) for instrument_id in library.instruments]
    return sorted(rows, key=exposure_key)


def exposure_key(
    enforcement: EnforcementOut,
) -> tuple[int, float, float, bool, bool, bool, str, float, str]:
    """A sort key putting the highest exposure first (see the module docstring)."""
    tier = {"given": 0, "none in this law": 1, "not encoded": 2}[enforcement.penalty_state]
    found = enforcement.exposure
    currency, amount = max(found.amounts.items(), key=lambda a: a[1], default=("~", 0.0))
    return (
        tier,
        -(found.worldwide_share or 0.0),
        -(found.local_share or 0.0),
        not found.officers,
        not found.restriction,
        not found.per_unit,
        currency,
        -amount,
        enforcement.instrument,
    )
