"""Queries: the service, the user and the date, checked field by field against the library.

A bad query gets one error per field, naming the field, the value found, what is accepted,
and a did-you-mean when the value is close. Nothing a client sends ends in a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from obligate.language import model as m
from obligate.language.diagnostics import did_you_mean
from obligate.language.resolve import Library

MAX_AGE = 130
INT64_MAX = 2**63 - 1
"""The engine holds whole numbers as signed 64-bit integers: a count beyond is refused here,
naming the field, rather than failing inside the engine."""
NUMBER_LIMIT = 1e18
"""A number that is not whole (a turnover) is at most this large: a float cannot tell
2^63 - 1 from 2^63, so the whole-number bound cannot be the float's."""
MAX_LIST_ITEMS = 256  # service types, features, associations: the vocabulary has far fewer
MAX_MARKET_COUNTS = 1024  # monthly_active_users entries: more than there are jurisdictions
MAX_NAME_CHARS = 128  # a jurisdiction code or a vocabulary name
MAX_HORIZON_DAYS = 3650
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""YYYY-MM-DD only: ``date.fromisoformat`` also reads week dates (2026-W23-1)."""

SMALLEST_DECIMAL = 1e-4
"""The engine reads ``1e-05`` (Python's text for it) as a malformed number: a number other
than 0 is at least this far from 0 (rule files keep to the same bound, E015)."""


def _not_tiny(value: float) -> float:
    if value != 0 and abs(value) < SMALLEST_DECIMAL:
        raise ValueError(f"a number other than 0 must be at least {SMALLEST_DECIMAL} from 0")
    return value


# Strict at the edges: ``false`` is not age 0 and ``"15"`` is not 15.
def _whole_float(value: object) -> object:
    """JSON does not tell 70 from 70.0 (nor does JSON Schema): a whole float is a whole number."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= NUMBER_LIMIT:
        return int(value)
    return value


Whole = Annotated[
    int, BeforeValidator(_whole_float), Field(strict=True, ge=-INT64_MAX - 1, le=INT64_MAX)
]


def _within_limit(value: object) -> object:
    """Checked before the float conversion rounds it: 10^18 + 1 is not within 10^18."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > NUMBER_LIMIT:
        raise ValueError(f"must be at most {NUMBER_LIMIT:,.0f} from 0")
    return value


Number = Annotated[
    float,
    BeforeValidator(_within_limit),
    Field(strict=True, allow_inf_nan=False, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT),
    AfterValidator(_not_tiny),
]
Flag = Annotated[bool, Field(strict=True)]
Name = Annotated[str, Field(strict=True, max_length=MAX_NAME_CHARS)]
Names = Annotated[tuple[Name, ...], Field(max_length=MAX_LIST_ITEMS)]


def engine_number(value: float) -> float:
    """A whole float as an int (exact): the engine reads ``1e+17`` as a malformed number."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= NUMBER_LIMIT:
        return int(value)
    return value


class Service(BaseModel):
    """Service facts of TAXONOMY.md; any fact declared in a rule library's vocabulary too."""

    model_config = ConfigDict(extra="allow", frozen=True)

    types: Names | None = None
    features: Names | None = None
    established_in: Name | None = None
    monthly_active_users: (
        Annotated[dict[Name, Whole], Field(max_length=MAX_MARKET_COUNTS)] | None
    ) = None
    employees: Whole | None = None
    annual_turnover_eur: Number | None = None
    directed_at_children: Flag | None = None
    likely_accessed_by_children: Flag | None = None
    associations: Names | None = None

    @field_validator("annual_turnover_eur")
    @classmethod
    def _whole_turnover(cls, value: float | None) -> float | None:
        return None if value is None else engine_number(value)

    def facts(self) -> dict[str, Any]:
        """Every fact the query gives (``None`` means the query left it out)."""
        values = dict(self)
        for name, value in (self.model_extra or {}).items():
            values[name] = engine_number(value) if isinstance(value, float) else value
        return {k: v for k, v in values.items() if v is not None}


class User(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    age: Whole | None = None
    location: Name


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


DATE_ACCEPTED = "a calendar date as YYYY-MM-DD, e.g. 2026-06-01 (or a datetime.date)"


def parse_day(value: object, field: str = "date") -> dt.date:
    """A query date: a ``datetime.date`` (not a datetime: which day a moment falls on
    depends on a time zone the query does not give) or YYYY-MM-DD text."""
    if isinstance(value, dt.datetime):
        raise QueryError(
            [
                FieldError(
                    field=field,
                    value=str(value),
                    message="a date and time, not a date",
                    accepted=DATE_ACCEPTED,
                )
            ]
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise QueryError(
        [FieldError(field=field, value=_shown(value), message="not a date", accepted=DATE_ACCEPTED)]
    )


def check_horizon(value: object, field: str = "horizon_days") -> int:
    """How many days ahead ``upcoming`` looks: a whole number from 0 to 3650."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HORIZON_DAYS:
        raise QueryError(
            [
                FieldError(
                    field=field,
                    value=_shown(value),
                    message="not a number of days"
                    if not isinstance(value, int)
                    else "out of range",
                    accepted=f"a whole number of days from 0 to {MAX_HORIZON_DAYS}",
                )
            ]
        )
    return value


def _shown(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)[:200]


def _date(value: dt.date | str, errors: list[FieldError]) -> dt.date | None:
    try:
        return parse_day(value)
    except QueryError as error:
        errors.extend(error.errors)
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
        elif entry.fact_type is m.FactType.NUMBER and not _engine_holds(value):
            errors.append(
                FieldError(
                    field=f"service.{name}",
                    value=value,
                    message="must be a number" if _not_number(value) else "out of range",
                    accepted=f"a number from {-NUMBER_LIMIT:,.0f} to {NUMBER_LIMIT:,.0f}, and "
                    f"0 or at least {SMALLEST_DECIMAL} from 0",
                )
            )
    return errors


def _not_number(value: object) -> bool:
    return isinstance(value, bool) or not isinstance(value, int | float)


def _engine_holds(value: object) -> bool:
    if _not_number(value):
        return False
    assert isinstance(value, int | float)
    tiny = value != 0 and abs(value) < SMALLEST_DECIMAL
    return math.isfinite(value) and abs(value) <= NUMBER_LIMIT and not tiny


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
