"""A condition of the model written back in the rule language, with only the parentheses its
precedence needs (`not` binds tightest, then `and`, then `or`)."""

from __future__ import annotations

from obligate.language import model as m

_RANK = {"any": 1, "all": 2, "not": 3}


def condition_text(node: m.Condition) -> str:
    if isinstance(node, m.AnyOf):
        return " or ".join(_inner(item, 1) for item in node.items)
    if isinstance(node, m.AllOf):
        return " and ".join(_inner(item, 2) for item in node.items)
    if isinstance(node, m.Not):
        return "not " + _inner(node.item, 3)
    if isinstance(node, m.IsA):
        return f"service is {node.name}"
    if isinstance(node, m.HasFeature):
        return f"service has {node.name}"
    if isinstance(node, m.Truth):
        return node.fact.path
    if isinstance(node, m.Member):
        return f"{node.fact.path} in {{{', '.join(node.names)}}}"
    return f"{operand_text(node.left)} {node.op} {operand_text(node.right)}"


def operand_text(node: m.FactRef | m.NumberLit | m.ParamRef) -> str:
    if isinstance(node, m.FactRef):
        return node.path
    if isinstance(node, m.ParamRef):
        return node.name
    value = node.value
    return f"{int(value):_}" if value == int(value) and abs(value) >= 10_000 else f"{value:g}"


def _inner(node: m.Condition, rank: int) -> str:
    text = condition_text(node)
    return f"({text})" if _RANK.get(node.kind, 4) < rank else text
