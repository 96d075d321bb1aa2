"""Queries: the service, the user and the date, checked field by field against the library.

A bad query gets one error per field, naming the field, the value found, what is accepted,
and a did-you-mean when the value is close. Nothing a client sends ends in a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean
from obligate.language.resolve import Library

MAX_AGE = 130


class Service(BaseModel):
    """Service facts of TAXONOMY.md; any fact declared in a rule library's vocabulary too."""

    model_config = ConfigDict(extra="allow", frozen=True)

    types: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    established_in: str | None = None
    monthly_active_users: dict[str, int] | None = None
    employees: int | None = None
    annual_turnover_eur: float | None = None
    directed_at_children: bool | None = None
    likely_accessed_by_children: bool | None = None
    associations: tuple[str, ...] | None = None

    def facts(self) -> dict[str, Any]:
        """Every fact the query gives (``None`` means the query left it out)."""
        values = dict(self)
        values.update(self.model_extra or {})
        return {k: v for k, v in values.items() if v is not None}


class User(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    age: int | None = None
    location: str


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: Service = Field(default_factory=Service)
    user: User
    date: dt.date

    def to_json(self) -> dict[str, Any]:
        service = {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in sorted(self.service.facts().items())
        }
        return {
            "service": service,
            "user": self.user.model_dump(exclude_none=True),
            "date": self.date.isoformat(),
        }


class FieldError(BaseModel):
    field: str
    value: Any = None
    message: str
    accepted: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.accepted:
            text += f"; accepted: {self.accepted}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class QueryError(ValueError):
    """A query that cannot be answered, with one error per field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("invalid query:\n" + "\n".join(f"  {e}" for e in errors))

    @property
    def code(self) -> str:
        if any(
            e.field in ("user.location", "service.established_in")
            and e.message.startswith("unknown jurisdiction")
            for e in self.errors
        ):
            return "unknown_jurisdiction"
        return "invalid_query"


def build_query(
    service: Service | Mapping[str, Any] | None,
    user: User | Mapping[str, Any],
    date: dt.date | str,
    library: Library,
) -> Query:
    errors: list[FieldError] = []
    parsed_date = _date(date, errors)
    service_model = _model(Service, service or {}, "service", errors)
    user_model = _model(User, user, "user", errors)
    if service_model is not None:
        errors.extend(_check_service(service_model, library))
    if user_model is not None:
        errors.extend(_check_user(user_model, library))
    if errors or service_model is None or user_model is None or parsed_date is None:
        raise QueryError(errors)
    return _assemble(service_model, user_model, parsed_date)


def _assemble(service: Service, user: User, date: dt.date) -> Query:
    """The query of parts already checked, built without validating them again: the same
    model as ``Query(...)`` gives (pydantic's ``model_construct`` costs as much as checking
    the whole query)."""
    query = Query.__new__(Query)
    object.__setattr__(query, "__dict__", {"service": service, "user": user, "date": date})
    object.__setattr__(query, "__pydantic_fields_set__", {"service", "user", "date"})
    object.__setattr__(query, "__pydantic_extra__", None)
    object.__setattr__(query, "__pydantic_private__", None)
    return query


def _date(value: dt.date | str, errors: list[FieldError]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        if len(str(value)) != 10:
            raise ValueError
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(
            FieldError(
                field="date",
                value=value,
                message="not a date",
                accepted="a calendar date as YYYY-MM-DD, e.g. 2026-06-01",
            )
        )
        return None


def _model(
    kind: type[Service] | type[User], value: Any, prefix: str, errors: list[FieldError]
) -> Any:
    if isinstance(value, kind):
        return value
    try:
        return kind.model_validate(value)
    except ValidationError as exc:
        for problem in exc.errors():
            path = ".".join(str(p) for p in (prefix, *problem["loc"]))
            errors.append(
                FieldError(field=path, value=problem.get("input"), message=problem["msg"].lower())
            )
        return None


def _check_service(service: Service, library: Library) -> list[FieldError]:
    errors: list[FieldError] = []
    errors.extend(_names("service.types", service.types, library.types))
    errors.extend(_names("service.features", service.features, library.features))
    if service.established_in is not None:
        errors.extend(_jurisdiction("service.established_in", service.established_in, library))
    for code, count in (service.monthly_active_users or {}).items():
        if code not in library.jurisdictions:
            errors.extend(_jurisdiction(f"service.monthly_active_users.{code}", code, library))
        if count < 0:
            errors.append(
                FieldError(
                    field=f"service.monthly_active_users.{code}",
                    value=count,
                    message="a user count cannot be negative",
                    accepted="a whole number, 0 or more",
                )
            )
    for name in ("employees", "annual_turnover_eur"):
        value = getattr(service, name)
        if value is not None and value < 0:
            errors.append(
                FieldError(
                    field=f"service.{name}",
                    value=value,
                    message="cannot be negative",
                    accepted="0 or more",
                )
            )
    errors.extend(_extra_facts(service, library))
    return errors


def _extra_facts(service: Service, library: Library) -> list[FieldError]:
    if not service.model_extra:
        return []
    declared = {
        name: entry for (subject, name), entry in library.facts.items() if subject == "service"
    }
    errors: list[FieldError] = []
    for name, value in (service.model_extra or {}).items():
        entry = declared.get(name)
        if entry is None:
            known = sorted({*Service.model_fields, *declared})
            errors.append(
                FieldError(
                    field=f"service.{name}",
                    value=value,
                    message="unknown service fact",
                    accepted=", ".join(known),
                    hint=did_you_mean(name, known),
                )
            )
        elif entry.fact_type is m.FactType.BOOLEAN and not isinstance(value, bool):
            errors.append(
                FieldError(
                    field=f"service.{name}",
                    value=value,
                    message="must be true or false",
                    accepted="true, false",
                )
            )
        elif entry.fact_type is m.FactType.NUMBER and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            errors.append(
                FieldError(
                    field=f"service.{name}",
                    value=value,
                    message="must be a number",
                    accepted="a number",
                )
            )
    return errors


def _names(
    field: str, values: tuple[str, ...] | None, known: Mapping[str, object]
) -> list[FieldError]:
    errors = []
    for value in values or ():
        if value not in known:
            errors.append(
                FieldError(
                    field=field,
                    value=value,
                    message="unknown value",
                    accepted=", ".join(sorted(known)),
                    hint=did_you_mean(value, known),
                )
            )
    return errors


def _jurisdiction(field: str, code: str, library: Library) -> list[FieldError]:
    if code in library.jurisdictions:
        return []
    return [
        FieldError(
            field=field,
            value=code,
            message="unknown jurisdiction",
            accepted="a jurisdiction code of the rule library (ISO 3166: DE, US-CA, "
            "...); `obligate graph` lists them",
            hint=did_you_mean(code, library.jurisdictions),
        )
    ]


def _check_user(user: User, library: Library) -> list[FieldError]:
    errors = _jurisdiction("user.location", user.location, library)
    if user.age is not None and not 0 <= user.age <= MAX_AGE:
        errors.append(
            FieldError(
                field="user.age",
                value=user.age,
                message="out of range",
                accepted=f"a whole number of years from 0 to {MAX_AGE}",
            )
        )
    return errors
