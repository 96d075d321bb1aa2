"""Positioned diagnostics for casebook files, in the same shape as the rule files' ones:
``file:line:col: error[CODE]: message``, the line, a caret, a hint.

The YAML is read twice: once to data (what the schema validates) and once to a node tree that
keeps each node's line and column (``yaml.compose``). A schema error's location
(``cases.1.want_dutie``) is walked down the node tree to the key or value it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from obligate.language.diagnostics import Diagnostic, Severity, Span, did_you_mean

Location = Sequence[int | str]


def yaml_problem(path: str, error: yaml.YAMLError) -> Diagnostic:
    """E601: a file that is not YAML."""
    # Where the scanner was when it gave up (the end of the file, for an unclosed quote) is
    # less use than where the construct it was reading began.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(error, "problem", None) or str(error).split("\n")[0]
    context = getattr(error, "context", None)
    words = f"{context}, {problem}" if context else problem
    return Diagnostic("E601", f"not valid YAML: {words}", Span(path, line, col), None)


def schema_problems(
    path: str, text: str, error: ValidationError, models: dict[str, type[BaseModel]]
) -> list[Diagnostic]:
    """E602-E604: each schema error at the key or value it concerns. ``models`` gives the
    model of a mapping by what holds it: "" for the file, "case", "query", "parameter"."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        root = None
    found: dict[tuple[str, Span], Diagnostic] = {}
    for item in error.errors():
        diagnostic = _schema_problem(path, root, item, models)
        # A value that fits no member of a union fails once per member: say it once.
        found.setdefault((diagnostic.code, diagnostic.span), diagnostic)
    return list(found.values())


def duplicate_case(path: str, text: str, index: int, case_id: str, first: str) -> Diagnostic:
    """E605: a case id used twice."""
    node = _walk(_compose(text), ["cases", index, "id"], value=True)
    return Diagnostic(
        "E605",
        f"case id `{case_id}` is used twice",
        _span(path, node),
        f"the first is in {first}; ids name one case across the casebook",
    )


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text)
    except yaml.YAMLError:
        return None


def _schema_problem(
    path: str, root: yaml.Node | None, item: Any, models: dict[str, type[BaseModel]]
) -> Diagnostic:
    loc: list[int | str] = list(item["loc"])
    kind = item["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed(loc[:-1], models)
        node = _walk(root, loc, value=False)
        hint = did_you_mean(key, allowed) or (
            "accepted: " + ", ".join(f"`{a}`" for a in allowed) if allowed else None
        )
        where = _holder(loc[:-1])
        return Diagnostic("E602", f"unknown key `{key}` in {where}", _span(path, node), hint)
    if kind == "missing":
        node = _walk(root, loc[:-1], value=True)
        where = _holder(loc[:-1])
        needs = f"{where} needs `{loc[-1]}`"
        return Diagnostic("E603", needs, _span(path, node), None, Severity.ERROR)
    node = _walk(root, loc, value=True)
    message = str(item["msg"]).removeprefix("Value error, ")
    last = _last_key(root, loc)
    named = f"`{last}`: " if last else ""
    return Diagnostic("E604", f"{named}{message}", _span(path, node), None)


def _last_key(root: yaml.Node | None, loc: Location) -> str | None:
    """The last step of a location that is a key in the file (pydantic adds the names of
    the types it tried, such as `date` and `str`, after the key)."""
    node, key = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if getattr(p[0], "value", None) == str(part)), None)
            if pair is None:
                break
            node, key = pair[1], str(part)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
        else:
            break
    return key


def _holder(loc: Location) -> str:
    """What holds a key, in words: `the file`, `case 2`, `the query of case 2`."""
    if not loc:
        return "the file"
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        case = f"case {loc[1] + 1}"
        rest = [str(part) for part in loc[2:]]
        if not rest:
            return case
        return f"`{'.'.join(rest)}` of {case}"
    return f"`{'.'.join(str(part) for part in loc)}`"


def _allowed(loc: Location, models: dict[str, type[BaseModel]]) -> list[str]:
    role = _role(loc)
    model = models.get(role) if role is not None else None
    if model is None:
        return []
    return sorted(info.alias or name for name, info in model.model_fields.items())


def _role(loc: Location) -> str | None:
    if not loc:
        return ""
    if len(loc) == 2 and loc[0] == "cases":
        return "case"
    if len(loc) == 3 and loc[2] == "query":
        return "query"
    if len(loc) == 4 and loc[2] == "want_parameters":
        return "parameter"
    return None


def _walk(root: yaml.Node | None, loc: Location, value: bool) -> yaml.Node | None:
    """The node a schema location names: the key node of the last step when ``value`` is
    False (an unknown key), else its value; as deep as the path goes."""
    node = root
    for step, part in enumerate(loc):
        last = step == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if getattr(p[0], "value", None) == str(part)), None)
            if pair is None:
                return node
            node = pair[0] if last and not value else pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _span(path: str, node: yaml.Node | None) -> Span:
    if node is None:
        return Span(path, 1, 1)
    start, end = node.start_mark, node.end_mark
    line, col = start.line + 1, start.column + 1
    if end.line == start.line and end.column > start.column:
        return Span(path, line, col, line, end.column + 1)
    return Span(path, line, col)
