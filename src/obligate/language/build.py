"""Stage 2, build model: Lark syntax trees to model blocks, one small handler per grammar rule.

Values the grammar only shapes loosely (dates, numbers) are checked here, where the token's
position is still at hand, and reported as diagnostics.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer

from obligate.language import model as m
from obligate.language.diagnostics import Diagnostics, Span, did_you_mean
from obligate.language.syntax import Chunk, ParsedChunk, grammar_text, parse

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNITS = {
    "hour": "hours",
    "hours": "hours",
    "day": "days",
    "days": "days",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}

Field = tuple[str, Any, Span]

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


def build(path: str, chunks: list[ParsedChunk], diagnostics: Diagnostics) -> m.RuleFile:
    """Model blocks from syntax trees (the two-step path: parse, then build)."""
    blocks: list[m.Block] = []
    builder = _Builder(path, 0, diagnostics)
    for chunk in chunks:
        builder.offset = chunk.line_offset
        blocks.extend(builder.transform(chunk.tree))
    return m.RuleFile(path=path, blocks=tuple(blocks))


_INLINE_LOCK = threading.Lock()


@cache
def _inline() -> tuple[Lark, _Builder]:
    builder = _Builder("", 0, Diagnostics())
    lark = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        transformer=builder,
    )
    return lark, builder


def parse_and_build(path: str, text: str, diagnostics: Diagnostics) -> m.RuleFile:
    """Parse a file and build its model in one pass: Lark calls the builder as it reduces,
    so no syntax tree is kept (the fast path the compiler uses)."""
    lark, builder = _inline()
    with _INLINE_LOCK:
        builder.path, builder.diagnostics = path, diagnostics

        def parse_chunk(chunk: Chunk) -> list[m.Block]:
            builder.offset = chunk.line_offset
            blocks: list[m.Block] = lark.parse(chunk.text)  # type: ignore[assignment]
            return blocks

        chunks = parse(path, text, diagnostics, using=parse_chunk)
    return m.RuleFile(path=path, blocks=tuple(b for c in chunks for b in c.tree))


class _Builder(Transformer[Token, list[m.Block]]):
    def __init__(self, path: str, line_offset: int, diagnostics: Diagnostics) -> None:
        super().__init__()
        self.path = path
        self.offset = line_offset
        self.diagnostics = diagnostics

    # ------------------------------------------------------------ positions and tokens

    def _cover(self, children: list[Any]) -> Span:
        """The span from the first positioned child to the last (Lark does not hand
        positions to a transformer that runs while parsing)."""
        first = next((b for b in (_bounds(c, self.offset) for c in children) if b), None)
        last = next((b for b in (_bounds(c, self.offset) for c in reversed(children)) if b), None)
        if first is None or last is None:
            return Span(self.path, self.offset + 1, 1)
        return Span(self.path, first[0], first[1], last[2], last[3])

    def _token_span(self, token: Token) -> Span:
        line = (token.line or 1) + self.offset
        end_line = (token.end_line or token.line or 1) + self.offset
        return Span(self.path, line, token.column or 1, end_line, token.end_column or 1)

    def _text(self, token: Token) -> str:
        raw = str(token)
        if raw.startswith('"""'):
            return raw[3:-3]
        body = raw[1:-1]
        return re.sub(r"\\(.)", r"\1", body)

    def _date(self, token: Token) -> dt.date | None:
        raw = str(token)
        span = self._token_span(token)
        if not _DATE_SHAPE.match(raw):
            self.diagnostics.error(
                "E004",
                f"`{raw}` is not a date in YYYY-MM-DD form",
                span,
                "write dates as year-month-day: 2024-02-17",
            )
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.diagnostics.error(
                "E004", f"`{raw}` is not a day of the calendar", span, "check the month and the day"
            )
            return None

    def _number(self, token: Token) -> float:
        return float(str(token).replace("_", ""))

    def _fields(self, kind: str, items: list[Any]) -> dict[str, Field]:
        seen: dict[str, Field] = {}
        for item in items:
            name, _, span = item
            if name in seen and name not in ("parameter_value",):
                self.diagnostics.error(
                    "E012",
                    f"`{name}` is given twice in this {kind}",
                    span,
                    f"the first is at line {seen[name][2].line}",
                )
                continue
            seen.setdefault(name, item)
        return seen

    @staticmethod
    def _value(fields: dict[str, Field], name: str, default: Any = None) -> Any:
        found = fields.get(name)
        return found[1] if found else default

    # ------------------------------------------------------------ file

    def start(self, blocks: list[m.Block]) -> list[m.Block]:
        return blocks

    # ------------------------------------------------------------ jurisdictions

    def jurisdiction(self, children: list[Any]) -> m.Jurisdiction:
        code, title, *items = children
        edges: dict[str, list[tuple[str, Span]]] = {
            "member_of": [],
            "part_of": [],
            "party_to": [],
            "parties": [],
        }
        parameters: list[m.ParameterValue] = []
        note: str | None = None
        for name, value, _span in items:
            if name in edges:
                edges[name].extend(value)
            elif name == "parameter_value":
                parameters.append(value)
            elif name == "note":
                note = value
        return m.Jurisdiction(
            span=self._token_span(code),
            code=str(code),
            name=self._text(title),
            member_of=tuple(edges["member_of"]),
            part_of=tuple(edges["part_of"]),
            party_to=tuple(edges["party_to"]),
            parties=tuple(edges["parties"]),
            parameters=tuple(parameters),
            note=note,
        )

    def _edge(self, name: str, children: list[Any]) -> Field:
        return (name, children[0], self._cover(children))

    def member_of(self, children: list[Any]) -> Field:
        return self._edge("member_of", children)

    def part_of(self, children: list[Any]) -> Field:
        return self._edge("part_of", children)

    def party_to(self, children: list[Any]) -> Field:
        return self._edge("party_to", children)

    def parties(self, children: list[Any]) -> Field:
        return self._edge("parties", children)

    def parameter_value(self, children: list[Any]) -> Field:
        name, number, *rest = children
        since = next((v for k, v in rest if k == "since"), None)
        under = next((v for k, v in rest if k == "under"), None)
        value = m.ParameterValue(
            span=self._token_span(name),
            name=str(name),
            value=self._number(number),
            since=since,
            under=under,
        )
        return ("parameter_value", value, self._cover(children))

    def since(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("since", self._date(children[0]))

    def under(self, children: list[Token]) -> tuple[str, m.Citation]:
        instrument, provision = children
        return (
            "under",
            m.Citation(
                span=self._token_span(instrument),
                instrument=str(instrument),
                provision=self._text(provision),
            ),
        )

    def name_list(self, children: list[Token]) -> list[tuple[str, Span]]:
        return [(str(token), self._token_span(token)) for token in children]

    # ------------------------------------------------------------ instruments

    def instrument(self, children: list[Any]) -> m.Instrument:
        ident, title, *items = children
        fields = self._fields("instrument", items)
        jurisdiction = fields.get("jurisdiction")
        return m.Instrument(
            span=self._token_span(ident),
            id=str(ident),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            url=self._value(fields, "url"),
            adopted=self._value(fields, "adopted"),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            status=self._value(fields, "status"),
            court=tuple(self._value(fields, "court", ())),
            note=self._value(fields, "note"),
        )

    def jurisdiction_ref(self, children: list[Token]) -> Field:
        return ("jurisdiction", str(children[0]), self._token_span(children[0]))

    def url(self, children: list[Token]) -> Field:
        return ("url", self._text(children[0]), self._cover(children))

    def adopted(self, children: list[Token]) -> Field:
        return ("adopted", self._date(children[0]), self._token_span(children[0]))

    def effective(self, children: list[Token]) -> Field:
        return ("effective", self._date(children[0]), self._token_span(children[0]))

    def until(self, children: list[Token]) -> Field:
        return ("until", self._date(children[0]), self._token_span(children[0]))

    def note(self, children: list[Token]) -> Field:
        return ("note", self._text(children[0]), self._cover(children))

    def status(self, children: list[m.Status]) -> Field:
        return ("status", children[0], self._cover(children))

    def in_force(self, children: list[Any]) -> m.Status:
        return m.Status(span=self._cover(children), kind=m.StatusKind.IN_FORCE)

    def pending(self, children: list[Any]) -> m.Status:
        return m.Status(span=self._cover(children), kind=m.StatusKind.PENDING)

    def repealed(self, children: list[Token]) -> m.Status:
        return m.Status(
            span=self._cover(children), kind=m.StatusKind.REPEALED, since=self._date(children[0])
        )

    def enjoined(self, children: list[Any]) -> m.Status:
        case, date, *rest = children
        return m.Status(
            span=self._cover(children),
            kind=m.StatusKind.ENJOINED,
            case=self._text(case),
            since=self._date(date),
            protecting=tuple(rest[0]) if rest else (),
        )

    def court(self, children: list[m.CourtEvent | None]) -> Field:
        events = tuple(event for event in children if event is not None)
        return ("court", events, self._cover(children))

    def court_event(self, children: list[Any]) -> m.CourtEvent | None:
        date_token, kind, case, *rest = children
        date = self._date(date_token)
        if date is None:
            return None
        return m.CourtEvent(
            span=self._token_span(date_token),
            date=date,
            event=kind,
            case=self._text(case),
            protecting=tuple(rest[0]) if rest else (),
        )

    def event_kind(self, children: list[Token]) -> m.CourtEventKind:
        return m.CourtEventKind(" ".join(str(token) for token in children))

    def protecting(self, children: list[list[str]]) -> list[str]:
        return children[0]

    def party_list(self, children: list[Token]) -> list[str]:
        return [self._text(t) if t.type == "STRING" else str(t) for t in children]

    # ------------------------------------------------------------ vocabulary

    def vocabulary(self, children: list[m.VocabularyEntry]) -> m.Vocabulary:
        return m.Vocabulary(span=self._cover(children), entries=tuple(children))

    def _entry(self, kind: Any, children: list[Any], **extra: Any) -> m.VocabularyEntry:
        name = children[0]
        description = self._text(children[1]) if len(children) > 1 else None
        return m.VocabularyEntry(
            span=self._token_span(name), kind=kind, name=str(name), description=description, **extra
        )

    def type_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("type", children)

    def feature_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("feature", children)

    def parameter_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("parameter", children)

    def category_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("category", children)

    def fact_decl(self, children: list[Any]) -> m.VocabularyEntry:
        subject, name, fact_type, *rest = children
        return self._entry("fact", [name, *rest], subject=str(subject), fact_type=fact_type)

    def term_decl(self, children: list[Token]) -> m.VocabularyEntry:
        return self._entry("term", children)

    def attribute_decl(self, children: list[Any]) -> m.VocabularyEntry:
        name, (attribute_type, choices), *rest = children
        return self._entry(
            "attribute", [name, *rest], attribute_type=attribute_type, choices=choices
        )

    def attribute_type(self, children: list[Any]) -> tuple[m.AttributeType, tuple[str, ...]]:
        words = [str(c) for c in children if isinstance(c, Token) and c.type != "LBRACE"]
        names = next((c for c in children if isinstance(c, list)), [])
        if words[0] == "one":
            return m.AttributeType.ONE_OF, tuple(name for name, _ in names)
        return m.AttributeType(words[0]), ()

    def fact_type(self, children: list[Token]) -> m.FactType:
        return m.FactType(" ".join(str(token) for token in children))

    def subject(self, children: list[Token]) -> Token:
        return children[0]  # kept as a token: its position starts the fact's span

    # ------------------------------------------------------------ definitions and duties

    def definition(self, children: list[Any]) -> m.Definition:
        name, title, *items = children
        fields = self._fields("definition", items)
        return m.Definition(
            span=self._token_span(name),
            name=str(name),
            title=self._text(title),
            cites=self._value(fields, "cites"),
            when=self._value(fields, "when"),
            note=self._value(fields, "note"),
        )

    def duty(self, children: list[Any]) -> m.Duty:
        modality, ident, title, *items = children
        fields = self._fields(f"{modality}", items)
        category = fields.get("category")
        return m.Duty(
            span=self._token_span(ident),
            id=str(ident),
            modality=m.Modality(str(modality)),
            title=self._text(title),
            category=category[1] if category else None,
            category_span=category[2] if category else None,
            cites=self._value(fields, "cites"),
            applies_to=tuple(self._value(fields, "applies", ())),
            when=self._value(fields, "when"),
            unless=self._value(fields, "unless"),
            overrides=tuple(self._value(fields, "overrides", ())),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            status=self._value(fields, "status"),
            court=tuple(self._value(fields, "court", ())),
            deadline=self._value(fields, "deadline"),
            terms=tuple(self._value(fields, "terms", ())),
            note=self._value(fields, "note"),
        )

    def terms(self, children: list[Any]) -> Field:
        return ("terms", children[0], self._cover(children))

    def absence(self, children: list[Any]) -> m.Absence:
        ident, title, *items = children
        fields = self._fields("absence", items)
        jurisdiction = fields.get("jurisdiction")
        category = fields.get("category")
        return m.Absence(
            span=self._token_span(ident),
            id=str(ident),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            category=category[1] if category else None,
            category_span=category[2] if category else None,
            checked=self._value(fields, "checked"),
            cites=self._value(fields, "cites"),
            note=self._value(fields, "note"),
        )

    def checked(self, children: list[Token]) -> Field:
        return ("checked", self._date(children[0]), self._token_span(children[0]))

    def category(self, children: list[Token]) -> Field:
        return ("category", str(children[0]), self._token_span(children[0]))

    def cites(self, children: list[Any]) -> Field:
        instrument, provision, *rest = children
        citation = m.Citation(
            span=self._token_span(instrument),
            instrument=str(instrument),
            provision=self._text(provision),
            url=rest[0] if rest else None,
        )
        return ("cites", citation, self._cover(children))

    def at(self, children: list[Token]) -> str:
        return self._text(children[0])

    def applies(self, children: list[m.Hook]) -> Field:
        return ("applies", children, self._cover(children))

    def users_in(self, children: list[Token]) -> m.Hook:
        return m.Hook(
            span=self._token_span(children[0]), kind="users_in", jurisdiction=str(children[0])
        )

    def established_in(self, children: list[Token]) -> m.Hook:
        return m.Hook(
            span=self._token_span(children[0]), kind="established_in", jurisdiction=str(children[0])
        )

    def when(self, children: list[Any]) -> Field:
        return ("when", children[0], self._cover(children))

    def unless(self, children: list[Any]) -> Field:
        return ("unless", children[0], self._cover(children))

    def overrides(self, children: list[Any]) -> Field:
        return ("overrides", children[0], self._cover(children))

    def deadline(self, children: list[Token]) -> Field:
        amount, unit, *rest = children
        deadline = m.Deadline(
            span=self._cover(children),
            amount=self._number(amount),
            unit=m.DeadlineUnit(_UNITS[str(unit)]),
            description=self._text(rest[0]) if rest else None,
        )
        return ("deadline", deadline, self._cover(children))

    def qualitative_deadline(self, children: list[Token]) -> Field:
        deadline = m.Deadline(span=self._cover(children), description=self._text(children[0]))
        return ("deadline", deadline, self._cover(children))

    # ------------------------------------------------------------ defined terms

    def term(self, children: list[Any]) -> m.Term:
        name, title, *items = children
        attributes = self._attributes([i for i in items if i[0] == "attribute"])
        fields = self._fields("term", [i for i in items if i[0] != "attribute"])
        jurisdiction = fields.get("jurisdiction")
        return m.Term(
            span=self._token_span(name),
            name=str(name),
            title=self._text(title),
            jurisdiction=jurisdiction[1] if jurisdiction else None,
            jurisdiction_span=jurisdiction[2] if jurisdiction else None,
            cites=self._value(fields, "cites"),
            quote=self._value(fields, "quote"),
            paraphrase=self._value(fields, "paraphrase"),
            none=self._value(fields, "none"),
            effective=self._value(fields, "effective"),
            until=self._value(fields, "until"),
            attributes=attributes,
            note=self._value(fields, "note"),
        )

    def _attributes(self, items: list[Field]) -> tuple[m.AttributeValue, ...]:
        seen: dict[str, m.AttributeValue] = {}
        for _, value, span in items:
            if value.name in seen:
                self.diagnostics.error(
                    "E012",
                    f"`{value.name}` is given twice in this term",
                    span,
                    f"the first is at line {seen[value.name].span.line}",
                )
                continue
            seen[value.name] = value
        return tuple(seen.values())

    def quote(self, children: list[Token]) -> Field:
        return ("quote", self._text(children[0]), self._cover(children))

    def paraphrase(self, children: list[Token]) -> Field:
        return ("paraphrase", self._text(children[0]), self._cover(children))

    def no_definition(self, children: list[Token]) -> Field:
        return ("none", self._text(children[0]), self._cover(children))

    def attribute_value(self, children: list[Token]) -> Field:
        name, raw = children
        span, value_span = self._token_span(name), self._token_span(raw)
        if raw.type == "NUMBER":
            value = m.AttributeValue(
                span=span,
                value_span=value_span,
                name=str(name),
                kind="number",
                number=self._number(raw),
            )
        else:
            value = m.AttributeValue(
                span=span,
                value_span=value_span,
                name=str(name),
                kind="text" if raw.type == "STRING" else "name",
                text=self._text(raw) if raw.type == "STRING" else str(raw),
            )
        return ("attribute", value, self._cover(children))

    # ------------------------------------------------------------ enforcement

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

    # ------------------------------------------------------------ conditions

    def any_of(self, children: list[m.Condition]) -> m.AnyOf:
        left, right = children
        items = (*left.items, right) if isinstance(left, m.AnyOf) else (left, right)
        return m.AnyOf(span=self._cover(children), items=items)

    def all_of(self, children: list[m.Condition]) -> m.AllOf:
        left, right = children
        items = (*left.items, right) if isinstance(left, m.AllOf) else (left, right)
        return m.AllOf(span=self._cover(children), items=items)

    def negation(self, children: list[m.Condition]) -> m.Not:
        return m.Not(span=self._cover(children), item=children[0])

    def is_a(self, children: list[Token]) -> m.IsA:
        return m.IsA(span=self._token_span(children[0]), name=str(children[0]))

    def has_feature(self, children: list[Token]) -> m.HasFeature:
        return m.HasFeature(span=self._token_span(children[0]), name=str(children[0]))

    def truth(self, children: list[m.FactRef]) -> m.Truth:
        return m.Truth(span=children[0].span, fact=children[0])

    def member(self, children: list[Any]) -> m.Member:
        fact, names = children
        return m.Member(span=self._cover(children), fact=fact, names=tuple(n for n, _ in names))

    def compare(self, children: list[Any]) -> m.Compare:
        left, op, right = children
        return m.Compare.model_validate(
            {"span": self._cover(children), "left": left, "op": str(op), "right": right}
        )

    def fact_ref(self, children: list[Any]) -> m.FactRef:
        subject, name, *key = children
        return m.FactRef.model_validate(
            {
                "span": self._cover(children),
                "subject": str(subject),
                "name": str(name),
                "key": str(key[0]) if key else None,
            }
        )

    def number(self, children: list[Token]) -> m.NumberLit:
        return m.NumberLit(span=self._token_span(children[0]), value=self._number(children[0]))

    def parameter_ref(self, children: list[Token]) -> m.ParamRef:
        return m.ParamRef(span=self._token_span(children[0]), name=str(children[0]))


def _bounds(item: Any, offset: int) -> tuple[int, int, int, int] | None:
    """Absolute (line, column, end line, end column) of a token (whose lines count from the
    start of its chunk), a built node, a built field or a list of them."""
    if isinstance(item, Token):
        if item.line is None:
            return None
        end_line = item.end_line or item.line
        return (item.line + offset, item.column or 1, end_line + offset, item.end_column or 1)
    span = None
    if isinstance(item, m.Node):
        span = item.span
    elif isinstance(item, tuple) and item and isinstance(item[-1], Span):
        span = item[-1]
    if span is not None:
        return (span.line, span.col, span.end_line or span.line, span.end_col or span.col)
    if isinstance(item, list) and item:
        first, last = _bounds(item[0], offset), _bounds(item[-1], offset)
        if first and last:
            return (first[0], first[1], last[2], last[3])
    return None
