"""A determination as the HTTP API sends it: compact JSON written by pydantic's serializer.

``Determination.to_json`` (the CLI's text) builds Python dicts and hands them to ``json.dumps``;
for a large platform that is about three times the cost of letting pydantic write the JSON
itself. The wire text here carries the same keys in the same order with the same values
(``json.loads`` of both is equal); only the white space differs (none here). The one key
pydantic cannot write by itself is a parameter's ``from`` (the field is ``from_``), so the
parameters are written separately and spliced in at their place.
"""

from __future__ import annotations

import pydantic_core

from obligate.determination.answer import Determination

_BEFORE_PARAMETERS = {"query", "rulebase", "jurisdictions"}
_AFTER_PARAMETERS = set(Determination.model_fields) - _BEFORE_PARAMETERS - {"parameters"}


def determination_json(answer: Determination) -> bytes:
    """The contract JSON of ``answer``, compact, as UTF-8 (not ASCII-escaped)."""
    head = answer.model_dump_json(include=_BEFORE_PARAMETERS)
    tail = answer.model_dump_json(include=_AFTER_PARAMETERS)
    parameters = pydantic_core.to_json(
        {name: {"value": p.value, "from": p.from_} for name, p in answer.parameters.items()}
    )
    return b"".join((head[:-1].encode(), b',"parameters":', parameters, b",", tail[1:].encode()))
