"""The OpenAPI document says what the server checks: the names a request may use are the
rule base's own (jurisdiction codes, duty ids, service types and features, declared service
facts), numbers carry the bounds the query checks, and the document is rebuilt when a reload
changes the rule base. A request the document calls valid is answered; one it calls invalid
gets a 422."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from obligate.determination.query import INT64_MAX, MAX_AGE, NUMBER_LIMIT, SMALLEST_DECIMAL
from obligate.determination.rulebase import RuleBase
from obligate.interfaces.server.state import LiveRulebase

Schema = dict[str, Any]

NOT_TINY: Schema = {
    "anyOf": [
        {"exclusiveMinimum": 0, "exclusiveMaximum": SMALLEST_DECIMAL},
        {"exclusiveMinimum": -SMALLEST_DECIMAL, "exclusiveMaximum": 0},
    ]
}
"""Numbers strictly between 0 and ±0.0001: refused (query.SMALLEST_DECIMAL), so ``not``."""


def install(app: FastAPI, live: LiveRulebase) -> None:
    """Serve a document made for the rule base that answers (rebuilt after a reload)."""
    made: dict[str, Schema] = {}

    def openapi() -> Schema:
        rulebase = live.current.rulebase
        if rulebase.version not in made:
            made.clear()
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            made[rulebase.version] = narrowed(document, rulebase)
        return made[rulebase.version]

    app.openapi = openapi  # type: ignore[method-assign]


def _value(schema: Schema) -> Schema:
    """The non-null branch of an optional field's schema."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") != "null":
            return dict(branch)
    return schema


def _set(properties: Schema, name: str, change: Callable[[Schema], None]) -> None:
    field = properties.get(name)
    if field is None:
        return
    target = _value(field)
    change(target)
    if "anyOf" in field:
        field["anyOf"] = [target if b.get("type") != "null" else b for b in field["anyOf"]]


def narrowed(document: Schema, rulebase: RuleBase) -> Schema:
    library = rulebase.compiled.library
    places = sorted(library.jurisdictions)
    schemas = document["components"]["schemas"]

    def items_of(names: list[str]) -> Callable[[Schema], None]:
        def change(target: Schema) -> None:
            target["items"] = {**target.get("items", {}), "enum": names}
            target["uniqueItems"] = False

        return change

    def one_of(names: list[str]) -> Callable[[Schema], None]:
        def change(target: Schema) -> None:
            target["enum"] = names

        return change

    def whole(low: int, high: int) -> Callable[[Schema], None]:
        def change(target: Schema) -> None:
            target["minimum"], target["maximum"] = low, high

        return change

    service = schemas["Service"]["properties"]
    _set(service, "types", items_of(sorted(library.types)))
    _set(service, "features", items_of(sorted(library.features)))
    _set(service, "established_in", one_of(places))
    _set(service, "employees", whole(0, INT64_MAX))
    _set(service, "annual_turnover_eur", whole(0, int(NUMBER_LIMIT)))
    _set(service, "annual_turnover_eur", _not_tiny)

    def counts(target: Schema) -> None:
        target["propertyNames"] = {**target.get("propertyNames", {}), "enum": places}
        target["additionalProperties"] = {"type": "integer", "minimum": 0, "maximum": INT64_MAX}

    _set(service, "monthly_active_users", counts)
    for (subject, name), entry in sorted(library.facts.items()):
        if subject == "service" and name not in service:
            kind = getattr(entry.fact_type, "value", str(entry.fact_type))
            service[name] = _fact_schema(str(kind))
    schemas["Service"]["additionalProperties"] = False
    user = schemas["User"]["properties"]
    _set(user, "age", whole(0, MAX_AGE))
    _set(user, "location", one_of(places))
    for request in ("CompareRequest", "ChecklistRequest"):
        _set(schemas[request]["properties"], "markets", items_of(places))
    _set(schemas["ExplainRequest"]["properties"], "duty", one_of(sorted(library.duties)))
    _query_parameters(document, places)
    return document


def _query_parameters(document: Schema, places: list[str]) -> None:
    """``markets=`` lists the rule base's codes (spaces around them ignored, each counted
    once); ``date=`` is a calendar date."""
    code = "(" + "|".join(sorted(places, key=lambda c: (-len(c), c))) + ")"
    markets = rf"^(\s*{code}\s*(,\s*{code}\s*)*)?$"
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                if parameter["name"] == "markets":
                    _set(parameter, "schema", lambda target: target.update(pattern=markets))
                elif parameter["name"] == "date":
                    _set(parameter, "schema", lambda target: target.update(format="date"))


def _not_tiny(target: Schema) -> None:
    target["not"] = NOT_TINY


def _fact_schema(kind: str) -> Schema:
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "number":
        return {
            "type": "number",
            "minimum": -int(NUMBER_LIMIT),
            "maximum": int(NUMBER_LIMIT),
            "not": NOT_TINY,
        }
    return {}
