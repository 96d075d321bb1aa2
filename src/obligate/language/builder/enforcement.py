"""`enforcement` blocks: who enforces a law (regulators), what a breach costs (penalties in
the law's own currency) and what else may follow (sanctions), each with the provision that
sets it; or a reviewed statement that the law names no regulator or penalty."""

from __future__ import annotations

from typing import Any

from lark import Token

from obligate.language import model as m
from obligate.language.builder.base import BuilderBase, Field
from obligate.language.diagnostics import did_you_mean

# ISO 4217 codes of the currencies penalties are set in (amounts stay in their own
# currency: obligate never converts).
CURRENCIES = tuple(
    """
    AED ARS AUD BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD
    HUF IDR ILS INR ISK JPY KES KRW MXN MYR NGN NOK NZD PEN PHP
    PKR PLN RON RUB SAR SEK SGD THB TRY TWD UAH USD VND ZAR
    """.split()
)
# What an amount may be counted per.
PER_UNITS = ("violation", "day", "user", "child", "offence")


class EnforcementRules(BuilderBase):
    def enforcement(self, children: list[Any]) -> m.Enforcement:
        ident, *items = children
        regulators: list[m.Regulator] = []
        penalties: list[m.Penalty] = []
        sanctions: list[m.Sanction] = []
        absent: dict[str, m.Absent] = {}
        notes = self._fields("enforcement", [i for i in items if i[0] == "note"])
        for kind, value, span in items:
            if kind == "regulator":
                regulators.append(value)
            elif kind == "penalty":
                penalties.append(value)
            elif kind == "sanction":
                sanctions.append(value)
            elif kind in ("regulator_absent", "penalty_absent"):
                if kind in absent:
                    self.diagnostics.error(
                        "E012",
                        f"`{kind.split('_')[0]}: {value.kind}` is given twice in this enforcement",
                        span,
                        f"the first is at line {absent[kind].span.line}",
                    )
                absent.setdefault(kind, value)
        return m.Enforcement(
            span=self._token_span(ident),
            instrument=str(ident),
            regulators=tuple(regulators),
            regulator_absent=absent.get("regulator_absent"),
            penalties=tuple(penalties),
            penalty_absent=absent.get("penalty_absent"),
            sanctions=tuple(sanctions),
            note=self._value(notes, "note"),
        )

    def regulator(self, children: list[Any]) -> Field:
        name, *rest = children
        regulator = m.Regulator(
            span=self._token_span(name), name=self._text(name), url=rest[0] if rest else None
        )
        return ("regulator", regulator, self._cover(children))

    def regulator_absent(self, children: list[Any]) -> Field:
        return ("regulator_absent", self._absent(children), self._cover(children))

    def penalty_absent(self, children: list[Any]) -> Field:
        return ("penalty_absent", self._absent(children), self._cover(children))

    def _absent(self, children: list[Any]) -> m.Absent:
        kind, *rest = children
        return m.Absent(
            span=self._cover(children),
            kind=m.AbsenceKind(kind),
            reason=self._text(rest[0]) if rest else None,
        )

    def absent(self, children: list[Token]) -> Token:
        words = " ".join(str(c) for c in children)
        return Token.new_borrow_pos("ABSENT", words, children[0])

    def penalty(self, children: list[Any]) -> Field:
        first, *rest = children
        ceilings = [first]
        whichever: str | None = None
        offence: str | None = None
        source: m.Source | None = None
        for item in rest:
            if isinstance(item, m.Source):
                source = item
            elif item[0] == "combined":
                ceilings.append(item[1])
                whichever = item[2]
            elif item[0] == "offence":
                offence = item[1]
        span = self._cover(children)
        if source is None:
            self.diagnostics.error(
                "E411",
                "a penalty needs the provision that sets it",
                span,
                'end the line with `under "provision"` (or `under INSTRUMENT "provision"`)',
            )
        penalty = m.Penalty.model_validate(
            {
                "span": span,
                "ceilings": ceilings,
                "whichever": whichever,
                "offence": offence,
                "source": source,
            }
        )
        return ("penalty", penalty, span)

    def combined(self, children: list[Any]) -> tuple[str, Any, str]:
        ceiling, which = children
        return ("combined", ceiling, which)

    def which(self, children: list[Token]) -> str:
        return str(children[0])

    def money(self, children: list[Any]) -> m.Money:
        amount, *rest = children
        currency = next((c for c in rest if isinstance(c, Token)), None)
        per = next((c[1] for c in rest if isinstance(c, tuple)), None)
        span = self._cover(children)
        if currency is None:
            self.diagnostics.error(
                "E408",
                f"the amount {str(amount)} has no currency",
                self._token_span(amount),
                "write the ISO 4217 code after the amount, in the law's own currency: "
                "18_000_000 GBP",
            )
        elif str(currency) not in CURRENCIES:
            self.diagnostics.error(
                "E409",
                f"unknown currency `{currency}`",
                self._token_span(currency),
                did_you_mean(str(currency), CURRENCIES)
                or "write an ISO 4217 code (EUR, GBP, USD, AUD, BRL, INR, CAD, ...)",
            )
        return m.Money(
            span=span,
            amount=self._number(amount),
            currency=str(currency) if currency is not None else None,
            per=per,
        )

    def per(self, children: list[Token]) -> tuple[str, str]:
        unit = str(children[0])
        if unit not in PER_UNITS:
            self.diagnostics.error(
                "E410",
                f"unknown unit `per {unit}`",
                self._token_span(children[0]),
                did_you_mean(unit, PER_UNITS) or f"write one of: {', '.join(PER_UNITS)}",
            )
        return ("per", unit)

    def turnover_share(self, children: list[Any]) -> m.TurnoverShare:
        number, within = children
        percent = self._number(number)
        if not 0 < percent <= 100:
            self.diagnostics.error(
                "E412",
                f"a share of turnover of {str(number)} percent is not possible",
                self._token_span(number),
                "write a percentage above 0 and at most 100",
            )
        return m.TurnoverShare(span=self._cover(children), percent=percent, within=within)

    def turnover(self, children: list[Token]) -> str | None:
        return str(children[-1]) if str(children[0]) == "turnover" else None

    def offence(self, children: list[Token]) -> tuple[str, str]:
        return ("offence", self._text(children[0]))

    def source(self, children: list[Token]) -> m.Source:
        instrument = next((c for c in children if c.type == "NAME"), None)
        texts = [c for c in children if not isinstance(c, Token) or c.type == "STRING"]
        provision = texts[0]
        url = texts[1] if len(texts) > 1 else None
        return m.Source(
            span=self._token_span(instrument or provision),
            instrument=str(instrument) if instrument is not None else None,
            provision=self._text(provision),
            url=url if isinstance(url, str) and not isinstance(url, Token) else None,
        )

    def sanction(self, children: list[Any]) -> Field:
        kind, *rest = children
        source = next((c for c in rest if isinstance(c, m.Source)), None)
        offence = next((c[1] for c in rest if isinstance(c, tuple)), None)
        span = self._cover(children)
        if source is None:
            self.diagnostics.error(
                "E411",
                "a sanction needs the provision that sets it",
                span,
                'end the line with `under "provision"` (or `under INSTRUMENT "provision"`)',
            )
        sanction = m.Sanction(span=span, kind=m.SanctionKind(kind), offence=offence, source=source)
        return ("sanction", sanction, span)

    def sanction_kind(self, children: list[Token]) -> Token:
        words = " ".join(str(c) for c in children)
        return Token.new_borrow_pos("SANCTION", words, children[0])
