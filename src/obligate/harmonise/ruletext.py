"""The rule text behind a model node: a block as its file writes it, split into its fields.

A diff shows a reviewer the lines of the rule file that changed, not the model's tree
(``when: user.age < 13`` rather than ``when.right.kind: 'param' -> 'number'``). Blocks are
found from a node's span: the block starts on the span's line and ends at its closing brace;
braces inside strings and comments do not count.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r"^(\s+)([a-z][a-z_]*(?: [a-z][a-z_]*)?)\s*(?::|\{)")


def block_text(source: str, line: int) -> str:
    """The block whose header is on ``line`` (1-based), up to its closing brace; the line
    alone when no brace opens on it."""
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    start = sum(len(text) + 1 for text in lines[: line - 1])
    end = _block_end(source, start)
    return source[start:end].rstrip()


def _block_end(source: str, start: int) -> int:
    depth, i, opened = 0, start, False
    while i < len(source):
        if source.startswith('"""', i):
            close = source.find('"""', i + 3)
            i = len(source) if close < 0 else close + 3
            continue
        char = source[i]
        if char == '"':
            close = source.find('"', i + 1)
            i = len(source) if close < 0 else close + 1
            continue
        if char == "#":
            newline = source.find("\n", i)
            i = len(source) if newline < 0 else newline
            continue
        if char == "\n" and not opened:
            return i  # a one-line entry (a vocabulary fact, a parameter)
        if char == "{":
            depth, opened = depth + 1, True
        elif char == "}":
            depth -= 1
            if opened and depth == 0:
                newline = source.find("\n", i)
                return len(source) if newline < 0 else newline
        i += 1
    return len(source)


def fields(block: str) -> dict[str, str]:
    """A block's text by field: ``header`` (the first line), then each field as written
    (``when``, ``applies to``, ``court``, ...), continuation lines and all."""
    lines = block.splitlines()
    if not lines:
        return {}
    found: dict[str, list[str]] = {"header": [lines[0]]}
    current = "header"
    level: int | None = None
    in_string = lines[0].count('"""') % 2 == 1
    for text in lines[1:]:
        match = None if in_string else _FIELD.match(text)
        if match and (level is None or len(match.group(1)) == level) and text.strip() != "}":
            level = len(match.group(1))
            current = match.group(2)
            found.setdefault(current, []).append(text)  # a field may repeat (penalty:)
        elif text.strip() != "}" or in_string:
            found.setdefault(current, []).append(text)
        in_string ^= text.count('"""') % 2 == 1
    return {name: "\n".join(body).strip() for name, body in found.items()}
