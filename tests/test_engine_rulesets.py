"""The engine's rulesets are made when a query first runs them, and the rules durable-rules
would refuse are still refused when the rule base is built."""

from __future__ import annotations

from typing import Any

import pytest

from obligate import RuleBase
from obligate.engine import rules as engine_module
from obligate.engine.patterns import patterns
from test_determine import random_queries


def _groups_written(pattern: Any) -> int:
    """The and/or groups of one pattern as durable-rules reads it."""
    if isinstance(pattern, dict):
        own = sum(1 for key in pattern if key in ("$and", "$or"))
        return own + sum(_groups_written(value) for value in pattern.values())
    if isinstance(pattern, list):
        return sum(_groups_written(item) for item in pattern)
    return 0


def test_the_group_count_never_undercounts_what_durable_rules_reads(rulebase: RuleBase) -> None:
    # Rules below SAFE_GROUPS are never probed at build: the count they are judged by must
    # be at least the groups of the pattern written for them (less its outer and).
    plan = rulebase._determiner.plan
    for rule in plan.rules:
        written = patterns(rule)
        if written is None:
            continue
        query_pattern = written[0]["q"]
        counted = engine_module.RulePlan()._note(rule[1])
        assert _groups_written(query_pattern) - ("$and" in query_pattern) <= counted


def test_a_ruleset_is_made_when_a_query_first_runs_it(
    rulebase: RuleBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    determiner = rulebase._determiner
    monkeypatch.setattr(engine_module, "RULES_PER_RULESET", 60)
    duty_rules = {p for info in determiner.duties.values() for p in info.positions}
    engine = engine_module.Engine(f"lazy-{rulebase.version}", determiner.plan, duty_rules)
    assert len(engine.rulesets) > 1
    assert all(compiled is None for compiled in engine._compiled)
    made: set[int] = set()
    for service, user, date in random_queries(rulebase, 40, seed=5):
        query = rulebase.query(service, user, date)
        facts, reach = determiner.facts(query)
        flat = determiner.flatten(facts, reach)
        made.update(engine._chosen(flat))
        assert engine.fire(flat) == determiner.engine.fire(flat)
        assert {i for i, c in enumerate(engine._compiled) if c is not None} == made
