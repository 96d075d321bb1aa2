"""The base of every model node: frozen, strict, and positioned in its rule file."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from obligate.language.diagnostics import Span

_set = object.__setattr__
# One set object per distinct set of given fields, shared by the nodes that have it: the
# pickle then holds each shape once (nodes are frozen; pydantic copies the set to change it).
_SHAPES: dict[frozenset[str], set[str]] = {}


def _node(cls: type[Node], values: dict[str, Any], fields: set[str]) -> Node:
    """A node as the compile cache stored it: its values, already validated when built."""
    node = cls.__new__(cls)
    _set(node, "__dict__", values)
    _set(node, "__pydantic_fields_set__", fields)
    _set(node, "__pydantic_extra__", None)
    _set(node, "__pydantic_private__", None)
    return node


class Node(BaseModel):
    # defer_build: a node class builds its validator on first use, not at import; a library
    # read back from the compile cache never validates one (start-up time)
    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True
    )

    span: Span

    def __reduce__(self) -> tuple[Any, ...]:
        # (class, values, fields) instead of pydantic's state dictionary per node: the
        # compile cache holds about ninety thousand nodes, and reads back faster this way.
        fields = self.__pydantic_fields_set__
        shape = frozenset(fields)
        shared = _SHAPES.setdefault(shape, set(shape))
        return (_node, (type(self), self.__dict__, shared))
