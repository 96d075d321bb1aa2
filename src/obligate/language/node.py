"""The base of every model node: frozen, strict, and positioned in its rule file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from obligate.language.diagnostics import Span


class Node(BaseModel):
    # defer_build: a node class builds its validator on first use, not at import; a library
    # read back from the compile cache never validates one (start-up time)
    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True
    )

    span: Span
