"""Defined terms (the glossary) and enforcement data, through the Python API and the CLI.

The glossary goldens are rendered from a fixed fixture library (tests/fixtures/terms), one per
format; regenerate with `pytest tests/test_terms_and_enforcement.py --update-goldens` and
review the diff. The shipped library is held to the issue's bar: the six markets' `child` and
`csam` rows exist and every instrument has an enforcement block.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import obligate
from obligate import QueryError, RuleBase
from obligate.determination import enforcement as enf
from obligate.determination.terms import terms_for_duty
from obligate.interfaces.cli import app
from obligate.reports import glossary as glossary_report

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "terms"
GOLDEN = ROOT / "tests" / "golden" / "glossary"
MARKETS = ["XU", "XA", "XB", "XF", "XF-1", "XO"]
DATE = "2026-06-01"
SIX = ["EU", "GB", "US", "AU", "BR", "IN"]


@pytest.fixture(scope="module")
def world() -> RuleBase:
    return obligate.load(FIXTURE, use_cache=False)


def glossary_cli(*args: str) -> tuple[int, str]:
    rules = ["--rules", str(FIXTURE.relative_to(ROOT))]
    result = CliRunner().invoke(app, ["glossary", *args, *rules])
    return result.exit_code, result.output


# ---------------------------------------------------------------- goldens, every format


@pytest.mark.parametrize("fmt", glossary_report.FORMATS)
def test_glossary_output_matches_golden(fmt: str, update_goldens: bool) -> None:
    code, output = glossary_cli("--markets", ",".join(MARKETS), "--date", DATE, "--format", fmt)
    assert code == 0, output
    golden = GOLDEN / f"glossary.{fmt}"
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_one_term_golden(update_goldens: bool) -> None:
    code, output = glossary_cli("child", "--markets", ",".join(MARKETS), "--date", DATE)
    assert code == 0, output
    golden = GOLDEN / "child.table"
    if update_goldens or not golden.exists():
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_csv_and_json_are_machine_readable() -> None:
    _, text = glossary_cli("--markets", "XU,XO", "--date", DATE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(rows[0]) == set(glossary_report.CSV_HEADER)
    assert {r["kind"] for r in rows} == {"definition", "market", "divergence"}
    _, text = glossary_cli("--markets", "XU", "--date", DATE, "--format", "json")
    data = json.loads(text)
    assert data["date"] == DATE and data["markets"] == ["XU"]


# ---------------------------------------------------------------- what the glossary says


def test_a_market_inherits_its_parents_definitions_nearest_first(world: RuleBase) -> None:
    glossary = world.glossary(["child"], ["XA", "XF-1"], DATE)
    rows = {
        m.market: [(d.jurisdiction, d.word) for d in m.definitions]
        for m in glossary.terms[0].markets
    }
    assert rows["XA"] == [("XA", "Kind"), ("XU", "child")]
    assert rows["XF-1"] == [("XF-1", "minor"), ("XF", "child")]


@pytest.mark.parametrize(
    ("term", "market", "state"),
    [
        ("child", "XU", "defined"),
        ("grooming", "XU", "no definition in this law"),
        ("grooming", "XA", "no definition in this law"),  # inherited from XU's review
        ("grooming", "XF", "not encoded"),
        ("child", "XO", "not encoded"),
        ("online_platform", "XF", "not encoded"),  # one pending, one ended: none in force
    ],
)
def test_no_definition_and_not_encoded_are_never_the_same(
    world: RuleBase, term: str, market: str, state: str
) -> None:
    line = world.glossary([term], [market], DATE).terms[0]
    assert line.markets[0].state == state


def test_the_three_states_are_worded_differently_in_every_format(world: RuleBase) -> None:
    glossary = world.glossary(["grooming"], ["XU", "XF"], DATE)
    for fmt in glossary_report.FORMATS:
        text = glossary_report.render(glossary, fmt)
        assert "no definition in this law" in text or '"none"' in text, fmt
        assert "not encoded" in text, fmt


@pytest.mark.parametrize(
    ("date", "instrument", "listed"),
    [
        ("2019-06-01", "X-OLD", True),  # before its until:
        ("2020-01-01", "X-OLD", False),  # the day it no longer applies
        ("2026-06-01", "X-BILL", False),  # pending: not yet the law
        ("2026-06-01", "X-PROV-CODE", True),  # enjoined: still the law's words, with status
        ("2024-06-30", "X-PROV-CODE", False),  # before it takes effect
    ],
)
def test_definitions_follow_their_laws_dates_and_status(
    world: RuleBase, date: str, instrument: str, listed: bool
) -> None:
    glossary = world.glossary(None, ["XF-1"], date)
    cited = {
        d.citation.instrument for t in glossary.terms for m in t.markets for d in m.definitions
    }
    assert (instrument in cited) is listed


def test_an_enjoined_law_shows_its_status(world: RuleBase) -> None:
    line = world.glossary(["child"], ["XF-1"], DATE).terms[0]
    assert line.markets[0].definitions[0].status == "enjoined"
    assert "[enjoined]" in glossary_report.table(world.glossary(["child"], ["XF-1"], DATE))


def test_divergence_names_the_markets_and_how_they_differ(world: RuleBase) -> None:
    line = world.glossary(["child"], MARKETS, DATE).terms[0]
    by_name = {d.attribute: d for d in line.divergences}
    age = by_name["age_below"]
    assert age.differs and age.label == "differs"
    assert age.values["XA"] == [14, 18] and age.values["XF"] == [13]
    assert age.detail == "18 in XU, XB; 14 or 18 in XA; 13 in XF; 13 or 18 in XF-1"
    assert by_name["knowledge"].label == "partly stated"
    same = world.glossary(["csam"], ["XU", "XF"], DATE).terms[0]
    assert {d.attribute: d.label for d in same.divergences}["age_below"] == "same"


def test_attributes_are_typed(world: RuleBase) -> None:
    rows = world.glossary(["csam"], ["XU"], DATE).terms[0].markets[0].definitions
    assert rows[0].attributes == {
        "age_below": 18,
        "covers_computer_generated": True,
        "covers_text": False,
    }


def test_quote_and_paraphrase_are_told_apart(world: RuleBase) -> None:
    glossary = world.glossary(["child", "csam"], ["XU"], DATE)
    words = [d.wording for t in glossary.terms for d in t.markets[0].definitions]
    assert words == ["quote", "paraphrase"]
    table = glossary_report.table(glossary)
    assert "“any person below the age of 18 years”" in table
    assert "(paraphrase) material that visually depicts" in table


def test_rulebase_terms_lists_every_canonical_term_with_its_definitions(world: RuleBase) -> None:
    terms = world.terms
    assert {"child", "csam", "grooming", "likely_accessed_by_children"} <= set(terms)
    assert [t.title for t in terms["child"]] == ["child", "Kind", "child", "minor"]
    assert terms["parental_responsibility"] == []


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("terms", "markets", "date", "field", "words"),
    [
        (["chidl"], ["XU"], DATE, "term", "did you mean `child`"),
        (["cihld"], ["XU"], DATE, "term", "did you mean `child`"),
        (["child"], ["XZ"], DATE, "markets", "unknown jurisdiction"),
        (["child"], ["XF-2"], DATE, "markets", "did you mean `XF-1`"),
        (["child"], ["XU"], "2026-13-01", "date", "YYYY-MM-DD"),
    ],
)
def test_unknown_term_market_or_date_names_the_field(
    world: RuleBase, terms: list[str], markets: list[str], date: str, field: str, words: str
) -> None:
    with pytest.raises(QueryError) as caught:
        world.glossary(terms, markets, date)
    error = caught.value
    assert any(e.field == field for e in error.errors), error
    assert words in str(error)


def test_no_market_is_a_field_error(world: RuleBase) -> None:
    from obligate.determination.terms import glossary

    with pytest.raises(QueryError) as caught:
        glossary(world.compiled.library, world.graph, ["child"], [], dt.date(2026, 6, 1))
    assert caught.value.errors[0].field == "markets"


def test_the_accepted_terms_are_listed(world: RuleBase) -> None:
    with pytest.raises(QueryError) as caught:
        world.glossary(["kid"], ["XU"], DATE)
    problem = caught.value.errors[0]
    assert problem.accepted is not None and "child" in problem.accepted.split(", ")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["chld", "--markets", "XU"], "term: unknown term (found 'chld')"),
        (["--markets", "XU,XQ"], "markets: unknown jurisdiction (found 'XQ')"),
        (["--markets", "XU", "--date", "June"], "date: not a date"),
        (["--markets", "XU", "--format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_cli_bad_input_exits_2_with_the_field(args: list[str], words: str) -> None:
    code, output = glossary_cli(*args)
    assert code == 2
    assert words in output
    assert "Traceback" not in output


# ---------------------------------------------------------------- terms a duty rests on


def test_a_duty_lists_the_terms_it_names_as_the_reaching_law_defines_them(
    world: RuleBase,
) -> None:
    library = world.compiled.library
    found = terms_for_duty(
        library, world.graph, library.duties["X-SAFETY"], "XU", dt.date(2026, 6, 1)
    )
    assert [(t.term, t.citation.instrument) for t in found] == [
        ("child", "X-CRIME"),
        ("csam", "X-CRIME"),
    ]


def test_a_duty_without_terms_rests_on_its_instruments_definitions(world: RuleBase) -> None:
    library = world.compiled.library
    found = terms_for_duty(
        library, world.graph, library.duties["X-A-DESIGN"], "XA", dt.date(2026, 6, 1)
    )
    assert [(t.term, t.word) for t in found] == [("child", "Kind")]
    consent = terms_for_duty(
        library, world.graph, library.duties["X-PRIV-CONSENT"], "XF", dt.date(2026, 6, 1)
    )
    assert [(t.term, t.word) for t in consent] == [("child", "child"), ("csam", "indecent image")]


def test_determination_duties_carry_a_terms_list() -> None:
    rulebase = obligate.load(FIXTURE, use_cache=False)
    answer = rulebase.determine(
        {"features": ["user_generated_content"]}, {"age": 10, "location": "XA"}, DATE
    )
    assert all(isinstance(d.terms, list) for d in answer.duties)
    assert all("terms" in d for d in json.loads(answer.to_json())["duties"])


# ---------------------------------------------------------------- enforcement


def test_enforcement_of_reads_regulators_ceilings_and_sanctions(world: RuleBase) -> None:
    found = enf.enforcement_of(world, "X-DATA")
    assert found.regulators[0].name == "Union Data Board"
    penalty = found.penalties[0]
    assert penalty.whichever == "greater"
    assert [c.kind for c in penalty.ceilings] == ["money", "share"]
    assert penalty.ceilings[0].amount == 20_000_000 and penalty.ceilings[0].currency == "EUR"
    assert found.exposure.worldwide_share == 4
    assert found.summary.startswith("Union Data Board; up to 20,000,000 EUR or 4% of worldwide")


@pytest.mark.parametrize(
    ("instrument", "regulator_state", "penalty_state"),
    [
        ("X-DATA", "given", "given"),
        ("X-CRIME", "none in this law", "none in this law"),
        ("X-BILL", "not encoded", "not encoded"),
        ("X-OLD", "not encoded", "not encoded"),  # no block at all
    ],
)
def test_enforcement_states(
    world: RuleBase, instrument: str, regulator_state: str, penalty_state: str
) -> None:
    found = world.enforcement(instrument)
    assert (found.regulator_state, found.penalty_state) == (regulator_state, penalty_state)


def test_exposure_orders_shares_then_officers_then_restrictions_then_per_unit(
    world: RuleBase,
) -> None:
    order = [row.instrument for row in enf.enforcement_table(world)]
    assert order == [
        "X-DATA",
        "X-PROV-CODE",
        "X-A-YOUTH",
        "X-PRIVACY",
        "X-CRIME",
        "X-BILL",
        "X-OLD",
    ]


def test_exposure_key_is_usable_on_its_own(world: RuleBase) -> None:
    rows = [world.enforcement(i) for i in ("X-PRIVACY", "X-DATA")]
    assert sorted(rows, key=enf.exposure_key)[0].instrument == "X-DATA"


def test_unknown_instrument_is_a_field_error(world: RuleBase) -> None:
    with pytest.raises(QueryError) as caught:
        world.enforcement("X-DAT")
    assert caught.value.errors[0].field == "instrument"
    assert "did you mean `X-DATA`" in str(caught.value)


def test_enforcement_cli_lists_every_instrument() -> None:
    result = CliRunner().invoke(
        app, ["enforcement", "--rules", str(FIXTURE.relative_to(ROOT)), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 7


# ---------------------------------------------------------------- the shipped library


@pytest.mark.parametrize("term", ["child", "csam"])
def test_the_six_markets_define_child_and_csam(rulebase: RuleBase, term: str) -> None:
    line = rulebase.glossary([term], SIX, "2026-11-25").terms[0]
    for market in line.markets:
        assert market.state == "defined", market.market
        own = [d for d in market.definitions if d.jurisdiction == market.market]
        assert own and all(d.citation.provision for d in own), market.market


def test_glossary_works_for_every_term_on_the_shipped_library(rulebase: RuleBase) -> None:
    glossary = rulebase.glossary(None, SIX, "2026-11-25")
    assert {t.term for t in glossary.terms} == set(rulebase.compiled.library.terms)
    for fmt in glossary_report.FORMATS:
        assert glossary_report.render(glossary, fmt)


def test_every_shipped_instrument_has_an_explicit_enforcement_block(rulebase: RuleBase) -> None:
    library = rulebase.compiled.library
    missing = sorted(set(library.instruments) - set(library.enforcement))
    assert not missing, f"instruments without an enforcement block: {missing}"


def test_every_shipped_definition_and_penalty_is_cited(rulebase: RuleBase) -> None:
    library = rulebase.compiled.library
    for term in library.term_definitions:
        assert term.cites is not None and term.cites.provision.strip(), term.span
    for block in library.enforcement.values():
        for item in (*block.penalties, *block.sanctions):
            assert item.source is not None and item.source.provision.strip(), item.span
        for penalty in block.penalties:
            for ceiling in penalty.ceilings:
                assert getattr(ceiling, "currency", "share") is not None, penalty.span
