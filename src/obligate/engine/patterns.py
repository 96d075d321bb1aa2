"""Rules as durable-rules' own JSON: a rule's patterns, and the order of its tests."""

from __future__ import annotations

from typing import Any

from obligate.engine.forms import AGE, FALSE, TRUE, Alternative, Expr, derived_name


def patterns(rule: Alternative) -> list[dict[str, Any]] | None:
    """A rule's patterns: the query fact's tests, then one pattern per derived fact."""
    derived_literals, expression = rule
    if expression == FALSE:
        return None
    tests: list[dict[str, Any]] = [{"kind": "query"}]
    if expression != TRUE:
        tests.extend(_tests(expression))
    patterns: list[dict[str, Any]] = [{"q": tests[0] if len(tests) == 1 else {"$and": tests}}]
    for _kind, name, positive in sorted(derived_literals, key=repr):
        wanted = derived_name(name, positive)
        tests_of_derived = [{"kind": "derived"}, {"name": wanted}]
        patterns.append({f"d{len(patterns) - 1}": {"$and": tests_of_derived}})
    return patterns


_TEST_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def _tests(expression: Expr) -> list[dict[str, Any]]:
    """An expression as the tests of one pattern, which durable-rules ands together."""
    kind = expression[0]
    if kind == "and":
        return [t for item in sorted(expression[1], key=_selectivity) for t in _tests(item)]
    if kind == "or":
        return [{"$or": [_one(item) for item in expression[1]]}]
    literal = expression[1]
    if literal[0] == "attr":
        _tag, attribute, op, value = literal
        return [{attribute: value} if op == "==" else {_TEST_OPS[op]: {attribute: value}}]
    _tag, left, op, right = literal
    compared = {left: {"$m": right}}
    # durable-rules matches a comparison whose right-hand attribute is missing, so both
    # sides must be present: an unknown value never makes a rule fire.
    return [
        {"$ex": {left: 1}},
        {"$ex": {right: 1}},
        compared if op == "==" else {_TEST_OPS[op]: compared},
    ]


def _one(expression: Expr) -> dict[str, Any]:
    tests = _tests(expression)
    return tests[0] if len(tests) == 1 else {"$and": tests}


def _selectivity(expression: Expr) -> tuple[int, str]:
    """The order of the tests of one pattern. durable-rules shares a test among the rules
    that begin alike and checks a test's followers only when it passes, so the test that
    fails most often goes first: the territorial hook (most rules are about places the
    query is not in), then the user's age, then other single tests, then alternatives."""
    if expression[0] == "lit":
        attribute = str(expression[1][1])
        if attribute.startswith(("r_", "e_")):
            return 0, repr(expression)
        if attribute == AGE:
            return 1, repr(expression)
        return 2, repr(expression)
    return 3, repr(expression)
