"""The normal forms conditions become on their way to durable-rules: literals over the
query fact's attributes, and/or expressions of them, and rules that join derived facts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

AGE = "u_age"

# A literal: ("attr", attribute, op, value), ("pair", attribute, op, attribute),
# ("const", bool) or ("derived", name, positive).
Literal = tuple[Any, ...]
# An expression over the query fact: ("lit", literal), ("and", exprs), ("or", exprs),
# ("true",) or ("false",). durable-rules evaluates and/or inside one pattern.
Expr = tuple[Any, ...]
TRUE: Expr = ("true",)
FALSE: Expr = ("false",)
# One rule: the derived facts it joins with, and the expression on the query fact.
Alternative = tuple[frozenset[Literal], Expr]


def literals(expression: Expr) -> Iterable[Literal]:
    if expression[0] == "lit":
        yield expression[1]
    elif expression[0] in ("and", "or"):
        for item in expression[1]:
            yield from literals(item)


def derived_name(name: str, positive: bool) -> str:
    return name if positive else f"not:{name}"
