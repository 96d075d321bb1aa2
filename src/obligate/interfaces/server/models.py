"""Request and response models of the HTTP API.

Requests carry the Python API's own models (``Service``, ``User``); answers are the Python
API's answers (``Determination``, ``Explanation``, harmonize's ``Comparison`` and
``Checklist``) with the rule-base version added where the model does not carry it already.
Unknown keys in a request are refused by name (``extra="forbid"``), except service facts:
those are checked against the rule library's vocabulary, with a did-you-mean.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from obligate.determination.answer import (
    CitationOut,
    DeadlineOut,
    Determination,
    Explanation,
    RulebaseOut,
)
from obligate.determination.query import Service, User

MAX_MARKETS = 60
AGE = r"(130|1[0-2][0-9]|[1-9]?[0-9])"
AGES_PATTERN = rf"^{AGE}[-–]{AGE}$"  # and LOW <= HIGH, which a pattern cannot say

EXAMPLE_SERVICE: dict[str, Any] = {
    "types": ["social_media"],
    "features": ["user_generated_content", "direct_messaging", "targeted_advertising"],
    "established_in": "IE",
    "monthly_active_users": {"EU": 60000000},
}


def date_field() -> Any:
    """A date as the request sends it: checked by the rule base, which names the field."""
    return Field(
        description="the day the law is read on, YYYY-MM-DD",
        examples=["2026-06-01"],
        json_schema_extra={"format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    )


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DetermineRequest(_Request):
    """Which duties apply to this service, for this user, in this place, on this date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service": EXAMPLE_SERVICE,
                    "user": {"age": 15, "location": "DE"},
                    "date": "2026-06-01",
                }
            ]
        }
    )

    service: Service = Field(default_factory=Service, description="service facts (TAXONOMY.md)")
    user: User
    date: str = date_field()
    horizon_days: int = Field(
        default=365, ge=0, le=3650, strict=True, description="how many days ahead `upcoming` looks"
    )


class ExplainRequest(_Request):
    """Why one duty applies to a query, or why it does not."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "duty": "EU-DSA-28-1",
                    "service": EXAMPLE_SERVICE,
                    "user": {"age": 15, "location": "DE"},
                    "date": "2026-06-01",
                }
            ]
        }
    )

    duty: str = Field(description="a duty id, e.g. EU-DSA-28-1")
    service: Service = Field(default_factory=Service)
    user: User
    date: str = date_field()


def ages_in_order(value: str | None) -> str | None:
    """``17-8`` is the range 8 to 17: the pattern cannot say LOW <= HIGH, so either order is
    accepted and the request means the same."""
    if value is None:
        return None
    if not re.fullmatch(AGES_PATTERN, value):
        raise ValueError("not an age range: LOW-HIGH in whole years from 0 to 130, e.g. 8-17")
    low, high = (int(part) for part in value.replace("–", "-").split("-"))
    return f"{min(low, high)}-{max(low, high)}"


class CompareRequest(_Request):
    """The same service in several markets, category by category."""

    service: Service = Field(default_factory=Service)
    markets: list[str] = Field(min_length=1, max_length=MAX_MARKETS, examples=[["DE", "FR", "GB"]])
    date: str = date_field()
    ages: str | None = Field(
        default=None,
        json_schema_extra={"pattern": AGES_PATTERN},
        description="the user ages compared, LOW-HIGH (default 0-17)",
        examples=["8-17"],
    )

    _ages = field_validator("ages")(ages_in_order)


class ChecklistRequest(_Request):
    """What a launch in these markets must meet on the launch date, and what comes next."""

    service: Service = Field(default_factory=Service)
    markets: list[str] = Field(min_length=1, max_length=MAX_MARKETS, examples=[["DE", "GB"]])
    launch_date: str = date_field()
    ages: str | None = Field(
        default=None, json_schema_extra={"pattern": AGES_PATTERN}, examples=["8-17"]
    )

    _ages = field_validator("ages")(ages_in_order)


# ---------------------------------------------------------------- answers


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParameterJSON(_Answer):
    """A parameter's value at the user's location and the jurisdiction it comes from."""

    model_config = ConfigDict(populate_by_name=True)

    value: float | int
    from_: str = Field(alias="from")


class DeterminationResponse(Determination):
    """``Determination`` as its JSON contract writes it (a parameter's origin is ``from``)."""

    parameters: dict[str, ParameterJSON]  # type: ignore[assignment]


class ExplanationResponse(Explanation):
    rulebase: RulebaseOut


class JurisdictionSummary(_Answer):
    code: str
    name: str
    member_of: list[str]
    part_of: list[str]
    party_to: list[str]


class JurisdictionList(_Answer):
    rulebase: RulebaseOut
    jurisdictions: list[JurisdictionSummary]


class Edge(_Answer):
    child: str
    parent: str
    kind: Literal["member_of", "part_of", "party_to"]


class ParameterSettingOut(_Answer):
    name: str
    value: float | int
    origin: str
    since: str | None
    citation: str | None


class NamedRef(_Answer):
    id: str
    title: str


class DutyRef(_Answer):
    id: str
    title: str
    category: str | None
    modality: str


class JurisdictionDetail(_Answer):
    rulebase: RulebaseOut
    code: str
    name: str
    member_of: list[str]
    part_of: list[str]
    party_to: list[str]
    parties: list[str]
    note: str | None
    date: str
    reach: list[str] = Field(description="this place and every place whose law reaches it")
    edges: list[Edge] = Field(description="the graph edges among `reach`")
    parameters: list[ParameterSettingOut]
    instruments: list[NamedRef]
    duties: list[DutyRef] = Field(description="duties hooked to this jurisdiction")


class HookOut(_Answer):
    kind: Literal["users_in", "established_in"]
    jurisdiction: str


class CourtEventOut(_Answer):
    date: str
    event: str
    case: str
    protecting: list[str]


class StatusOut(_Answer):
    kind: str
    since: str | None
    case: str | None
    protecting: list[str]


class DutyDetail(_Answer):
    rulebase: RulebaseOut
    id: str
    modality: Literal["obligation", "prohibition", "permission"]
    title: str
    category: str | None
    citation: CitationOut | None
    applies_to: list[HookOut]
    when: str | None = Field(description="the condition, as the rule file says it")
    unless: str | None
    overrides: list[str]
    effective: str | None
    until: str | None
    status: StatusOut | None
    court: list[CourtEventOut]
    deadline: DeadlineOut | None
    note: str | None
    source: str


class DiagnosticOut(_Answer):
    code: str
    severity: str
    message: str
    file: str
    line: int
    col: int
    hint: str | None = None


class ReloadOut(_Answer):
    at: str
    ok: bool
    version: str | None = Field(description="the version loaded, when the reload succeeded")
    seconds: float
    diagnostics: list[DiagnosticOut] = Field(
        description="why the rule files did not compile; the previous rule base still serves"
    )
    rendered: str | None = Field(
        default=None, description="the diagnostics as `obligate check` prints"
    )


class Counts(_Answer):
    duties: int
    definitions: int
    instruments: int
    jurisdictions: int
    types: int
    features: int
    categories: int
    warnings: int


class RulebaseInfo(_Answer):
    rulebase: RulebaseOut
    version: str
    counts: Counts
    loaded_at: str
    load_seconds: float
    paths: list[str]
    watching: bool
    last_reload: ReloadOut | None = Field(
        description="the latest reload attempt, successful or not (null before the first)"
    )


class WordOut(_Answer):
    name: str
    description: str | None


class FactOut(_Answer):
    subject: str
    name: str
    type: str | None
    description: str | None


class Vocabulary(_Answer):
    rulebase: RulebaseOut
    types: list[WordOut]
    features: list[WordOut]
    categories: list[WordOut]
    parameters: list[WordOut]
    facts: list[FactOut]


class Health(_Answer):
    status: Literal["ok", "degraded"] = Field(
        description="degraded when the decision log fails, the latest reload failed or "
        "the watcher stopped"
    )
    rulebase: RulebaseOut
    decision_log: Literal["ok", "off", "failing"]
    reload: Literal["off", "ok", "failed", "stopped"] = Field(
        default="off",
        description="off: not watching and never reloaded; failed: the latest reload did "
        "not load (the previous rule base serves; GET /v1/rulebase says why); stopped: the "
        "file watcher died, so changes are no longer loaded",
    )


# ---------------------------------------------------------------- errors

ErrorCode = Literal[
    "invalid_query",
    "unknown_jurisdiction",
    "unknown_duty",
    "invalid_body",
    "not_found",
    "method_not_allowed",
    "payload_too_large",
    "decision_log_unavailable",
    "unauthorized",
    "request_timeout",
    "too_many_requests",
    "internal_error",
]


class FieldProblem(_Answer):
    field: str = Field(description="the field, as a dotted path (user.age, service.features)")
    value: Any = Field(
        default=None, description="the value found (long or nested values shortened)"
    )
    message: str
    accepted: str | None = None
    hint: str | None = None


class ErrorBody(_Answer):
    code: ErrorCode
    status: int
    message: str
    fields: list[FieldProblem] = []


class ErrorResponse(_Answer):
    """Every error has this shape; ``error.code`` is one of a closed set. ``type``, ``title``,
    ``status``, ``detail`` and ``instance`` are the members of an RFC 9457 problem details
    object, added beside ``error`` (which stays the contract) for clients that read those."""

    error: ErrorBody
    rulebase: RulebaseOut | None = None
    type: str = Field(
        default="about:blank",
        description="RFC 9457 problem type: about:blank, so the status code says what kind of "
        "problem it is; error.code says which one",
    )
    title: str = Field(description="RFC 9457: the HTTP status phrase, e.g. Unprocessable Content")
    status: int = Field(description="RFC 9457: the HTTP status code (the same as error.status)")
    detail: str = Field(description="RFC 9457: what went wrong (the same as error.message)")
    instance: str = Field(description="RFC 9457: the path of the request that failed")
