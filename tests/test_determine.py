"""determine() on a small fixed library: reach, parameters, time, status, exceptions, reasons."""

from __future__ import annotations

import datetime as dt
import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import obligate
from obligate import RuleBase
from obligate.engine import rules as engine_module

MINI = Path(__file__).parent / "fixtures" / "mini"

PLATFORM: dict[str, Any] = {
    "types": ["social_media"],
    "features": ["user_generated_content", "targeted_advertising"],
    "established_in": "XO",
    "monthly_active_users": {"XU": 50_000_000},
    "employees": 500,
    "annual_turnover_eur": 90_000_000,
    "directed_at_children": False,
    "likely_accessed_by_children": True,
    "associations": [],
}


@pytest.fixture(scope="module")
def mini() -> RuleBase:
    return obligate.load(MINI, use_cache=False)


def ids(
    rulebase: RuleBase,
    service: dict[str, Any],
    age: int | None,
    location: str,
    date: str,
    key: str = "duties",
) -> list[str]:
    user = {"location": location} | ({"age": age} if age is not None else {})
    answer = rulebase.determine(service, user, date)
    return sorted(d.id for d in getattr(answer, key))


@pytest.mark.parametrize(
    ("location", "age", "date", "present", "absent"),
    [
        # the union default (16) applies in XU itself; XA lowers it to 13
        ("XU", 15, "2026-06-01", ["X-CONSENT"], []),
        ("XA", 13, "2026-06-01", [], ["X-CONSENT"]),
        ("XA", 12, "2026-06-01", ["X-CONSENT"], []),
        # XB sets 15 from 2026-01-01: the day before, the union's 16 holds
        ("XB", 15, "2025-12-31", ["X-CONSENT"], []),
        ("XB", 15, "2026-01-01", [], ["X-CONSENT"]),
        # user-scope duties follow the age: an adult gets none of the minors' duties
        ("XA", 18, "2026-06-01", [], ["X-MINORS", "X-ADS", "X-CONSENT"]),
        ("XA", 17, "2026-06-01", ["X-MINORS", "X-ADS"], []),
        # the platform act starts on 2024-02-17
        ("XA", 17, "2024-02-16", [], ["X-MINORS", "X-ADS"]),
        ("XA", 17, "2024-02-17", ["X-MINORS", "X-ADS"], []),
        # a service established outside reaches users inside (extraterritorial reach)
        ("XA", 30, "2026-06-01", ["X-RISK", "X-NOTICE-LARGE"], []),
        # outside the union, none of its law applies
        ("XO", 15, "2026-06-01", [], ["X-CONSENT", "X-MINORS", "X-RISK"]),
    ],
)
def test_duties_by_place_age_and_date(
    mini: RuleBase, location: str, age: int, date: str, present: list[str], absent: list[str]
) -> None:
    found = ids(mini, PLATFORM, age, location, date)
    for duty in present:
        assert duty in found
    for duty in absent:
        assert duty not in found


def test_parameters_resolve_nearest_first_with_origin(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"age": 12, "location": "XA"}, "2026-06-01")
    assert answer.to_dict()["parameters"] == {
        "child_age": {"value": 18, "from": "XU"},
        "digital_consent_age": {"value": 13, "from": "XA"},
    }
    assert answer.jurisdictions == ["XA", "XU", "X-TREATY"]


def test_size_threshold_one_user_either_side(mini: RuleBase) -> None:
    below = {**PLATFORM, "monthly_active_users": {"XU": 44_999_999}}
    at = {**PLATFORM, "monthly_active_users": {"XU": 45_000_000}}
    assert "X-RISK" not in ids(mini, below, 30, "XA", "2026-06-01")
    assert "X-RISK" in ids(mini, at, 30, "XA", "2026-06-01")


def test_unless_removes_the_duty_for_a_small_enterprise(mini: RuleBase) -> None:
    small = {**PLATFORM, "employees": 49, "annual_turnover_eur": 5_000_000}
    assert "X-MINORS" not in ids(mini, small, 15, "XA", "2026-06-01")
    explanation = mini.explain("X-MINORS", small, {"age": 15, "location": "XA"}, "2026-06-01")
    assert explanation.outcome == "does_not_apply"
    assert any("exception applies" in r and "x_small" in r for r in explanation.reasons)


def test_a_more_specific_duty_displaces_the_general_one(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"age": 30, "location": "XA"}, "2026-06-01")
    assert "X-NOTICE" not in answer.duty_ids
    assert [(d.id, d.by) for d in answer.displaced] == [("X-NOTICE", "X-NOTICE-LARGE")]


def test_because_carries_the_chain_of_definitions_and_values(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"age": 30, "location": "XA"}, "2026-06-01")
    risk = next(d for d in answer.duties if d.id == "X-RISK")
    assert risk.because[0].startswith("the user is located in XA")
    assert "so service is x_platform [X-PLATFORM Art. 3]" in risk.because
    assert "service.monthly_active_users[XU] 50,000,000 >= 45,000,000" in risk.because
    assert risk.source.endswith("world.obl:77")
    assert risk.citation.url == "https://example.org/platform"
    assert risk.deadline is not None and risk.deadline.hours == 8766.0
    assert risk.via == ["XA", "XU"]


def test_unknown_facts_make_a_duty_conditional_not_absent(mini: RuleBase) -> None:
    service = {k: v for k, v in PLATFORM.items() if k != "monthly_active_users"}
    answer = mini.determine(service, {"age": 30, "location": "XA"}, "2026-06-01")
    conditional = {d.id: d.depends_on for d in answer.conditional}
    assert conditional["X-RISK"] == ["service.monthly_active_users[XU]"]
    assert "X-RISK" not in answer.duty_ids


def test_a_query_giving_every_fact_has_no_conditional_duties(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"age": 15, "location": "XF-1"}, "2026-06-01")
    assert answer.conditional == []


def test_missing_age_makes_user_duties_conditional(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"location": "XA"}, "2026-06-01")
    conditional = {d.id: d.depends_on for d in answer.conditional}
    assert conditional["X-CONSENT"] == ["user.age"]


@pytest.mark.parametrize(
    ("associations", "date", "expected"),
    [
        (["NetChoice"], "2025-03-01", "suspended"),
        ([], "2025-03-01", "duties"),
        (None, "2025-03-01", "conditional"),
        (["NetChoice"], "2025-06-01", "duties"),  # the injunction was stayed on appeal
    ],
)
def test_injunction_protects_only_named_associations(
    mini: RuleBase, associations: list[str] | None, date: str, expected: str
) -> None:
    service = {**PLATFORM}
    if associations is None:
        del service["associations"]
    else:
        service["associations"] = associations
    for key in ("duties", "suspended", "conditional"):
        found = "X-KIDS-AGE" in ids(mini, service, 15, "XF-1", date, key)
        assert found == (key == expected), key


def test_suspended_lists_the_case_and_date(mini: RuleBase) -> None:
    service = {**PLATFORM, "associations": ["NetChoice"]}
    answer = mini.determine(service, {"age": 15, "location": "XF-1"}, "2025-03-01")
    entry = next(d for d in answer.suspended if d.id == "X-KIDS-AGE")
    assert entry.why.case == "NetChoice v. Example"
    assert entry.why.since == "2024-12-20"
    assert entry.why.protecting == ["NetChoice"]


def test_pending_and_repealed_laws_are_suspended_not_applied(mini: RuleBase) -> None:
    service = {**PLATFORM, "established_in": "XF-1"}
    answer = mini.determine(service, {"age": 14, "location": "XF"}, "2026-06-01")
    suspended = {d.id: d.why.status for d in answer.suspended}
    assert suspended == {"X-BILL-MINAGE": "pending", "X-OLD-REPORT": "repealed"}
    before = mini.determine(service, {"age": 14, "location": "XF"}, "2024-12-31")
    assert "X-OLD-REPORT" in before.duty_ids


def test_established_in_hook_binds_only_services_established_there(mini: RuleBase) -> None:
    inside = {**PLATFORM, "established_in": "XF-1"}
    assert "X-OLD-REPORT" in ids(mini, inside, 30, "XO", "2024-06-01")
    assert "X-OLD-REPORT" not in ids(mini, PLATFORM, 30, "XF-1", "2024-06-01")
    unknown = {k: v for k, v in PLATFORM.items() if k != "established_in"}
    conditional = mini.determine(unknown, {"age": 30, "location": "XO"}, "2024-06-01").conditional
    # X-NOTICE reaches users in XU or services established in XU: for a user in XO it
    # turns on where the service is established, which this query leaves out
    assert [(d.id, d.depends_on) for d in conditional] == [
        ("X-OLD-REPORT", ["service.established_in"]),
        ("X-NOTICE", ["service.established_in"]),
    ]


def test_upcoming_lists_changes_within_the_horizon(mini: RuleBase) -> None:
    answer = mini.determine(PLATFORM, {"age": 15, "location": "XA"}, "2023-01-01")
    upcoming = {d.id: [c.date for c in d.changes] for d in answer.upcoming}
    assert upcoming["X-RISK"] == ["2023-08-25"]
    assert "X-MINORS" not in upcoming  # 2024-02-17 is beyond 365 days
    wide = mini.determine(PLATFORM, {"age": 15, "location": "XA"}, "2023-01-01", horizon_days=420)
    assert "X-MINORS" in {d.id for d in wide.upcoming}


def test_permission_and_prohibition_of_one_category_are_a_conflict(mini: RuleBase) -> None:
    service = {**PLATFORM, "types": ["messaging"]}
    answer = mini.determine(service, {"age": 30, "location": "XA"}, "2026-01-01")
    assert [(c.category, c.duties) for c in answer.conflicts] == [
        ("content_restriction", ["X-DETECT", "X-NO-SCAN"])
    ]
    later = mini.determine(service, {"age": 30, "location": "XA"}, "2026-04-04")
    assert later.conflicts == []


def test_same_query_gives_byte_identical_json(mini: RuleBase) -> None:
    first = mini.determine(PLATFORM, {"age": 15, "location": "XA"}, "2026-06-01").to_json()
    again = (
        obligate.load(MINI, use_cache=False)
        .determine(PLATFORM, {"age": 15, "location": "XA"}, "2026-06-01")
        .to_json()
    )
    assert first == again
    assert list(json.loads(first)) == [
        "query",
        "rulebase",
        "jurisdictions",
        "parameters",
        "duties",
        "conditional",
        "suspended",
        "upcoming",
        "displaced",
        "conflicts",
    ]


def random_queries(
    rulebase: RuleBase, count: int, seed: int
) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    rng = random.Random(seed)
    types = sorted(rulebase.compiled.library.types)
    features = sorted(rulebase.compiled.library.features)
    places = sorted(rulebase.jurisdictions)
    queries = []
    for _ in range(count):
        service: dict[str, Any] = {
            "types": rng.sample(types, rng.randint(0, 2)),
            "features": rng.sample(features, rng.randint(0, 4)),
            "employees": rng.choice([10, 49, 50, 5000]),
            "annual_turnover_eur": rng.choice([1e6, 1e7, 1e9]),
            "directed_at_children": rng.random() < 0.3,
            "likely_accessed_by_children": rng.random() < 0.7,
            "associations": rng.choice([[], ["NetChoice"], ["CCIA"]]),
        }
        if rng.random() < 0.8:
            service["established_in"] = rng.choice(places)
        if rng.random() < 0.7:
            service["monthly_active_users"] = {
                rng.choice(places): rng.choice([1, 44_999_999, 45_000_000])
            }
        user: dict[str, Any] = {"location": rng.choice(places)}
        if rng.random() < 0.9:
            user["age"] = rng.randint(0, 40)
        date = (dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 12))).isoformat()
        queries.append((service, user, date))
    return queries


def test_concurrent_queries_answer_as_serial_ones(rulebase: RuleBase) -> None:
    queries = random_queries(rulebase, 200, seed=7)
    serial = [rulebase.determine(*q).to_json() for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: rulebase.determine(*q).to_json(), queries))
    assert parallel == serial


def test_random_queries_on_the_shipped_library_keep_the_contract(rulebase: RuleBase) -> None:
    # verify=True evaluates every duty in reach and checks the engine against the evaluator
    verified = RuleBase(rulebase.compiled, cache=False, verify=True)
    for service, user, date in random_queries(rulebase, 300, seed=11):
        assert verified.determine(service, user, date) == rulebase.determine(service, user, date)
        answer = rulebase.determine(service, user, date)
        for duty in answer.duties:
            assert duty.citation.instrument and duty.citation.provision
            assert duty.source.startswith("rules/") and ":" in duty.source
            assert duty.because
            if duty.scope == "user":
                assert "age" in user


def test_splitting_rules_over_several_rulesets_fires_the_same(
    rulebase: RuleBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    determiner = rulebase._determiner
    monkeypatch.setattr(engine_module, "RULES_PER_RULESET", 60)
    duty_rules = {p for info in determiner.duties.values() for p in info.positions}
    split = engine_module.Engine(f"split-{rulebase.version}", determiner.plan, duty_rules)
    assert len(split.rulesets) > 1
    for service, user, date in random_queries(rulebase, 150, seed=3):
        query = rulebase.query(service, user, date)
        facts, reach = determiner.facts(query)
        flat = determiner.flatten(facts, reach)
        assert split.fire(flat) == determiner.engine.fire(flat)


def test_cached_answers_equal_uncached_on_thousands_of_random_queries(rulebase: RuleBase) -> None:
    uncached = RuleBase(rulebase.compiled, cache=False, verify=True)
    queries = random_queries(rulebase, 1500, seed=23)
    queries += queries[:300]  # repeats: answered from the exact cache
    for service, user, date in queries:
        cached_answer = rulebase.determine(service, user, date).to_json()
        assert cached_answer == uncached.determine(service, user, date).to_json()


def test_ages_in_one_band_share_an_answer_class(rulebase: RuleBase) -> None:
    engine = rulebase._determiner.engine
    base = {"r_DE": True, "r_EU": True, "p_digital_consent_age": 16.0}
    thresholds = engine._age_constants
    assert 16 in thresholds and 40 not in thresholds and 41 not in thresholds
    assert engine.answer_class({**base, "u_age": 40}) == engine.answer_class({**base, "u_age": 41})
    assert engine.answer_class({**base, "u_age": 15}) != engine.answer_class({**base, "u_age": 16})


@pytest.mark.parametrize(
    ("established_in", "applies"), [("XO", True), ("XA", False), ("XU", False), ("XF-1", True)]
)
def test_established_in_membership_follows_the_graph(
    mini: RuleBase, established_in: str, applies: bool
) -> None:
    service = {**PLATFORM, "established_in": established_in}
    answer = mini.determine(service, {"age": 30, "location": "XA"}, "2026-06-01")
    assert ("X-FOREIGN-REP" in answer.duty_ids) == applies
    if applies:
        duty = next(d for d in answer.duties if d.id == "X-FOREIGN-REP")
        assert duty.deadline is not None and duty.deadline.hours is None
        assert duty.deadline.text == "before offering the service"


def test_duties_list_the_defined_terms_they_rest_on(rulebase: RuleBase) -> None:
    service = {
        "types": ["social_media"],
        "features": ["user_generated_content"],
        "established_in": "IE",
        "monthly_active_users": {"EU": 1_000_000},
        "employees": 500,
        "annual_turnover_eur": 90_000_000,
        "directed_at_children": False,
        "likely_accessed_by_children": True,
        "associations": [],
    }
    answer = rulebase.determine(service, {"age": 15, "location": "DE"}, "2026-06-01")
    minors = next(d for d in answer.duties if d.id == "EU-DSA-28-1")
    terms = {t.term: t for t in minors.terms}
    assert terms["online_platform"].citation.provision == "Art. 3(i)"
    assert terms["online_platform"].jurisdiction == "EU"
    assert all(t.source.startswith("rules/") for t in minors.terms)
