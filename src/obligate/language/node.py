"""The base of every model node: frozen, strict, and positioned in its rule file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from obligate.language.diagnostics import Span


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    span: Span
