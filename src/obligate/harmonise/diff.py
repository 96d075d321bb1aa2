"""Rule diffs: what a change to the law changes — duties added, removed and changed field by
field, and the casebook answers that move as a result. This is what a reviewer reads."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from obligate.determination import casebook
from obligate.determination.query import QueryError
from obligate.determination.rulebase import RuleBase


class DiffError(Exception):
    """A revision or folder that cannot be read."""


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    old: Any
    new: Any


class DutyChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    changes: list[FieldChange]


class CaseChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    case: str
    old: dict[str, list[str]]
    new: dict[str, list[str]]
    old_passed: bool
    new_passed: bool


class RuleDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    old_version: str
    new_version: str
    added: list[str]
    removed: list[str]
    changed: list[DutyChange]
    instruments_changed: list[DutyChange]
    cases: list[CaseChange]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def checkout(spec: str, workdir: Path) -> Path:
    """A folder of rules: ``PATH`` as it is, or ``PATH@REV`` as git holds it at REV."""
    if "@" not in spec:
        path = Path(spec)
        if not path.exists():
            raise DiffError(f"{spec}: no such file or folder")
        return path
    path_text, revision = spec.rsplit("@", 1)
    path = Path(path_text)
    repo = _git(["rev-parse", "--show-toplevel"], path if path.is_dir() else Path.cwd())
    top = Path(repo.strip())
    inside = path.resolve().relative_to(top) if path.exists() else Path(path_text)
    archive = subprocess.run(
        ["git", "-C", str(top), "archive", "--format=tar", revision, "--", str(inside)],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise DiffError(f"{spec}: {archive.stderr.decode(errors='replace').strip()}")
    target = workdir / revision.replace("/", "_")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as bundle:
        bundle.extractall(target, filter="data")
    return target / inside


def _git(arguments: list[str], where: Path) -> str:
    if shutil.which("git") is None:
        raise DiffError("git is not installed; give two folders instead of revisions")
    result = subprocess.run(
        ["git", "-C", str(where), *arguments], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DiffError(result.stderr.strip() or f"git {' '.join(arguments)} failed")
    return result.stdout


def _plain(value: Any) -> Any:
    """A model dump without source positions: moving a rule in its file is not a change."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "span" and not k.endswith("_span")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in sorted(set(old) | set(new)):
            changes.extend(_field_changes(old.get(key), new.get(key), f"{prefix}{key}."))
        return changes
    if old != new:
        return [FieldChange(field=prefix.rstrip("."), old=old, new=new)]
    return []


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[DutyChange]:
    found = []
    for key in sorted(set(old) & set(new)):
        changes = _field_changes(
            _plain(old[key].model_dump(mode="json")), _plain(new[key].model_dump(mode="json"))
        )
        if changes:
            found.append(DutyChange(id=key, changes=changes))
    return found


def _answer(rulebase: RuleBase, loaded: casebook.LoadedCase) -> tuple[dict[str, list[str]], bool]:
    outcome = casebook.run_case(rulebase, loaded)
    query = loaded.case.query
    try:
        service = casebook.service_of(query, loaded.path)
        answer = rulebase.determine(service, query.user, query.date)
    except (QueryError, casebook.CasebookError) as error:
        return {"error": [str(error).splitlines()[0]]}, outcome.passed
    return (
        {
            "duties": answer.duty_ids,
            "conditional": sorted(d.id for d in answer.conditional),
            "suspended": sorted(d.id for d in answer.suspended),
        },
        outcome.passed,
    )


def diff(old: RuleBase, new: RuleBase, cases: Iterable[casebook.LoadedCase] = ()) -> RuleDiff:
    old_duties, new_duties = old.duties, new.duties
    moved: list[CaseChange] = []
    for loaded in cases:
        before, passed_before = _answer(old, loaded)
        after, passed_after = _answer(new, loaded)
        if before != after or passed_before != passed_after:
            moved.append(
                CaseChange(
                    case=loaded.name,
                    old=before,
                    new=after,
                    old_passed=passed_before,
                    new_passed=passed_after,
                )
            )
    return RuleDiff(
        old_version=old.version,
        new_version=new.version,
        added=sorted(set(new_duties) - set(old_duties)),
        removed=sorted(set(old_duties) - set(new_duties)),
        changed=_changes(old_duties, new_duties),
        instruments_changed=_changes(old.instruments, new.instruments),
        cases=moved,
    )


def diff_text(result: RuleDiff) -> str:
    lines = [f"rule base {result.old_version} -> {result.new_version}"]
    lines += [f"+ added   {d}" for d in result.added]
    lines += [f"- removed {d}" for d in result.removed]
    for kind, changes in (("duty", result.changed), ("instrument", result.instruments_changed)):
        for change in changes:
            lines.append(f"~ {kind} {change.id}")
            lines += [f"    {c.field}: {c.old!r} -> {c.new!r}" for c in change.changes]
    if result.cases:
        lines.append("casebook answers that change:")
        for case in result.cases:
            verdict = (
                ""
                if case.old_passed == case.new_passed
                else f" (was {'passing' if case.old_passed else 'failing'}, now "
                f"{'passing' if case.new_passed else 'failing'})"
            )
            lines.append(f"  {case.case}{verdict}")
            for key in sorted(set(case.old) | set(case.new)):
                gone = sorted(set(case.old.get(key, [])) - set(case.new.get(key, [])))
                came = sorted(set(case.new.get(key, [])) - set(case.old.get(key, [])))
                if gone or came:
                    lines.append(
                        f"    {key}: " + " ".join([f"-{g}" for g in gone] + [f"+{c}" for c in came])
                    )
    if len(lines) == 1:
        lines.append("no change to duties, instruments or casebook answers")
    return "\n".join(lines) + "\n"


def temporary_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="obligate-diff-")
