"""The casebook: worked cases, each resting on a public source, run through the public API.

A casebook file is YAML with ``cases:``; each case is checked against a schema (a misspelt
``want_dutie`` is an error, not a case that tests nothing), run with ``RuleBase.determine``,
and compared with what it wants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from obligate.determination import casebook_errors
from obligate.determination.answer import Determination
from obligate.determination.query import QueryError
from obligate.determination.rulebase import RuleBase
from obligate.language.diagnostics import Diagnostic, Span, render_all


class ParameterWant(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    value: float
    from_: str | None = Field(default=None, alias="from")


class CaseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: dict[str, Any] | None = None
    service_file: str | None = None
    user: dict[str, Any]
    date: dt.date | str
    horizon_days: int | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    note: str
    source: str
    query: CaseQuery
    want_duties: list[str] = []
    want_absent: list[str] = []
    want_conditional: list[str] = []
    want_suspended: list[str] = []
    want_upcoming: list[str] = []
    want_parameters: dict[str, ParameterWant] = {}
    want_error_code: str | None = None

    @model_validator(mode="after")
    def _wants_something(self) -> Case:
        wants = (
            self.want_duties,
            self.want_absent,
            self.want_conditional,
            self.want_suspended,
            self.want_upcoming,
            self.want_parameters,
            self.want_error_code,
        )
        if not any(wants):
            raise ValueError("a case needs at least one want_* key")
        return self

    def duty_ids(self) -> set[str]:
        return {
            *self.want_duties,
            *self.want_absent,
            *self.want_conditional,
            *self.want_suspended,
            *self.want_upcoming,
        }


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cases: list[Case]


# The model of each kind of mapping, so an unknown key's hint lists the keys it may be.
SCHEMA: dict[str, type[BaseModel]] = {
    "": CaseFile,
    "case": Case,
    "query": CaseQuery,
    "parameter": ParameterWant,
}


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    path: str

    @property
    def name(self) -> str:
        return f"{self.path}::{self.case.id}"


@dataclass
class Outcome:
    loaded: LoadedCase
    failures: list[str] = field(default_factory=list)
    exercised: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


class CasebookError(Exception):
    """A casebook file that does not match the schema: every problem, positioned."""

    def __init__(
        self,
        message: str = "",
        diagnostics: Sequence[Diagnostic] = (),
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.sources = dict(sources or {})
        super().__init__(message or render_all(self.diagnostics, self.sources, limit=50))


def case_files(paths: Iterable[str | Path]) -> list[Path]:
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(p for p in path.rglob("*.yaml") if p.is_file())
            found.update(p for p in path.rglob("*.yml") if p.is_file())
        else:
            found.add(path)
    return sorted(found)


def load_cases(paths: Iterable[str | Path]) -> list[LoadedCase]:
    """Every case under ``paths``, sorted by file; raise ``CasebookError`` with every problem
    of every file, each at its line and column."""
    loaded: list[LoadedCase] = []
    problems: list[Diagnostic] = []
    texts: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in case_files(paths):
        shown = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Diagnostic("E601", f"cannot read this file: {exc}", Span(shown, 1, 1)))
            continue
        texts[shown] = text
        try:
            case_file = CaseFile.model_validate(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            problems.append(casebook_errors.yaml_problem(shown, exc))
            continue
        except ValidationError as exc:
            problems.extend(casebook_errors.schema_problems(shown, text, exc, SCHEMA))
            continue
        for index, case in enumerate(case_file.cases):
            if case.id in seen:
                problems.append(
                    casebook_errors.duplicate_case(shown, text, index, case.id, seen[case.id])
                )
            seen.setdefault(case.id, shown)
            loaded.append(LoadedCase(case, shown))
    if problems:
        raise CasebookError("", problems, texts)
    return loaded


def service_of(query: CaseQuery, case_path: str) -> dict[str, Any] | None:
    if query.service_file is None:
        return query.service
    candidates = [Path(query.service_file), Path(case_path).parent / query.service_file]
    for candidate in candidates:
        if candidate.is_file():
            data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            return {**data, **(query.service or {})}
    raise CasebookError(f"{case_path}: service_file {query.service_file} not found")


def run_case(rulebase: RuleBase, loaded: LoadedCase) -> Outcome:
    case = loaded.case
    outcome = Outcome(loaded)
    try:
        service = service_of(case.query, loaded.path)
        answer = rulebase.determine(
            service,
            case.query.user,
            case.query.date,
            **(
                {"horizon_days": case.query.horizon_days}
                if case.query.horizon_days is not None
                else {}
            ),
        )
    except QueryError as error:
        if case.want_error_code == error.code:
            return outcome
        outcome.failures.append(f"query error: {error}")
        return outcome
    except CasebookError as error:
        outcome.failures.append(str(error))
        return outcome
    if case.want_error_code is not None:
        outcome.failures.append(f"wanted error {case.want_error_code}, got an answer")
        return outcome
    _compare(case, answer, outcome)
    outcome.exercised = _exercised(case, answer)
    return outcome


def _compare(case: Case, answer: Determination, outcome: Outcome) -> None:
    lists = {
        "duties": answer.duty_ids,
        "conditional": [d.id for d in answer.conditional],
        "suspended": [d.id for d in answer.suspended],
        "upcoming": [d.id for d in answer.upcoming],
    }
    for key, want in (
        ("duties", case.want_duties),
        ("conditional", case.want_conditional),
        ("suspended", case.want_suspended),
        ("upcoming", case.want_upcoming),
    ):
        for duty_id in want:
            if duty_id not in lists[key]:
                where = _where(duty_id, lists, answer)
                outcome.failures.append(f"{duty_id} should be in `{key}` but {where}")
    for duty_id in case.want_absent:
        if duty_id in lists["duties"]:
            outcome.failures.append(f"{duty_id} should not be in `duties`")
    for name, wanted in case.want_parameters.items():
        got = answer.parameters.get(name)
        if got is None:
            outcome.failures.append(f"parameter {name} should be {wanted.value:g} but is not set")
        elif got.value != wanted.value or (wanted.from_ is not None and got.from_ != wanted.from_):
            outcome.failures.append(
                f"parameter {name} should be {wanted.value:g}"
                f"{' from ' + wanted.from_ if wanted.from_ else ''} but is "
                f"{got.value} from {got.from_}"
            )


def _where(duty_id: str, lists: dict[str, list[str]], answer: Determination) -> str:
    for key, ids in lists.items():
        if duty_id in ids:
            return f"it is in `{key}`"
    if any(d.id == duty_id for d in answer.displaced):
        return "it was displaced"
    return "it is in no list"


def _exercised(case: Case, answer: Determination) -> set[str]:
    found = {
        *answer.duty_ids,
        *(d.id for d in answer.conditional),
        *(d.id for d in answer.suspended),
    }
    return found & case.duty_ids()


def run(rulebase: RuleBase, cases: Iterable[LoadedCase]) -> Iterator[Outcome]:
    for loaded in cases:
        yield run_case(rulebase, loaded)


def unexercised(rulebase: RuleBase, outcomes: Iterable[Outcome]) -> list[str]:
    """Duties no passing case puts in an answer (applied, conditional or suspended)."""
    exercised: set[str] = set()
    for outcome in outcomes:
        if outcome.passed:
            exercised |= outcome.exercised
    return sorted(set(rulebase.duties) - exercised)
