"""Rule diffs: what a change to the law changes — every block added, removed or changed
(duties, instruments, jurisdictions and their parameters, definitions, absences, enforcement,
defined terms, vocabulary), shown as the rule text before and after, and the casebook answers
that move as a result. This is what a reviewer reads; identical libraries show no change."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from obligate.determination import casebook
from obligate.determination.query import QueryError
from obligate.determination.rulebase import RuleBase
from obligate.harmonise import ruletext


class DiffError(Exception):
    """A revision or folder that cannot be read."""


class FieldChange(BaseModel):
    """One field of a rule as its file writes it, before and after (``None``: absent)."""

    model_config = ConfigDict(frozen=True)

    field: str
    old: Any
    new: Any


class DutyChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    changes: list[FieldChange]
    old_text: str | None = None  # the whole block, before and after
    new_text: str | None = None


class BlockChange(BaseModel):
    """A block added, removed or changed: a duty, instrument, jurisdiction, definition,
    absence, enforcement (regulators and penalties), defined term or vocabulary entry."""

    model_config = ConfigDict(frozen=True)

    kind: str
    id: str
    change: Literal["added", "removed", "changed"]
    changes: list[FieldChange] = []
    old_text: str | None = None
    new_text: str | None = None
    source: str = ""  # file:line of the new block (of the old one when removed)


class ParameterChange(BaseModel):
    """A parameter a jurisdiction sets (a consent age), before and after, as written."""

    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    name: str
    old: str | None
    new: str | None


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
    blocks: list[BlockChange] = []  # every kind of block, duties included
    parameters: list[ParameterChange] = []

    @property
    def empty(self) -> bool:
        return not (self.blocks or self.parameters or self.cases)

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


_SPAN_KEYS = {"file", "line", "col", "end_line", "end_col"}


def _plain(value: Any) -> Any:
    """A model dump without source positions: moving a rule in its file, or the folder it is
    read from, is not a change (spans sit in ``span`` keys and inside pairs such as an
    ``overrides`` entry's (id, span))."""
    if isinstance(value, dict):
        if set(value) == _SPAN_KEYS:
            return None
        return {k: _plain(v) for k, v in value.items() if k != "span" and not k.endswith("_span")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value if not (isinstance(v, dict) and set(v) == _SPAN_KEYS)]
    return value


# The fields a block's first line writes, and the keyword of a field in a rule file where it
# is not the model's name with spaces.
_HEADER_FIELDS = {"id", "modality", "title", "name", "code", "instrument"}
_KEYWORDS = {
    "penalties": "penalty",
    "regulators": "regulator",
    "sanctions": "sanction",
    "regulator_absent": "regulator",
    "penalty_absent": "penalty",
}


def _field_changes(
    old: dict[str, Any], new: dict[str, Any], old_text: str, new_text: str
) -> list[FieldChange]:
    """The fields whose meaning changed, each as its file writes it before and after; a
    change to the header line (id, modality, title) is one change named by its fields."""
    old_fields, new_fields = ruletext.fields(old_text), ruletext.fields(new_text)
    changed = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    header = [key for key in changed if key in _HEADER_FIELDS]
    changes: list[FieldChange] = []
    if header:
        changes.append(
            FieldChange(
                field=", ".join(header), old=old_fields.get("header"), new=new_fields.get("header")
            )
        )
    for key in changed:
        if key in _HEADER_FIELDS:
            continue
        word = _KEYWORDS.get(key, key.replace("_", " "))
        before = old_fields.get(word) if old_text else None
        after = new_fields.get(word) if new_text else None
        if before is None and after is None:  # a field the text does not show apart
            before, after = _short(old.get(key)), _short(new.get(key))
        changes.append(FieldChange(field=word, old=before, new=after))
    return changes


def _short(value: Any) -> Any:
    return None if value in (None, [], {}) else value


Keyed = dict[str, Any]


def _kinds(rulebase: RuleBase) -> dict[str, Keyed]:
    """Every kind of block of a library, each by its key."""
    library = rulebase.compiled.library
    return {
        "duty": dict(library.duties),
        "instrument": dict(library.instruments),
        "jurisdiction": dict(library.jurisdictions),
        "definition": dict(library.definitions),
        "absence": dict(library.absences),
        "enforcement": dict(library.enforcement),
        "term": {
            f"{t.name} ({library.term_jurisdiction(t) or '?'}, {t.title})": t
            for t in library.term_definitions
        },
        "vocabulary": {
            f"{e.kind} {e.subject + '.' if e.subject else ''}{e.name}": e
            for entries in (
                library.types,
                library.features,
                library.facts,
                library.parameters,
                library.categories,
                library.terms,
                library.attributes,
            )
            for e in entries.values()
        },
    }


def _text(rulebase: RuleBase, node: Any) -> str:
    span = getattr(node, "span", None)
    source = rulebase.compiled.sources.get(span.file) if span else None
    return ruletext.block_text(source, span.line) if source and span else ""


def _dump(node: Any, kind: str) -> dict[str, Any]:
    dumped = _plain(node.model_dump(mode="json"))
    if kind == "jurisdiction":
        dumped.pop("parameters", None)  # parameters are listed one by one
    return dumped if isinstance(dumped, dict) else {}


def _blocks(old: RuleBase, new: RuleBase) -> list[BlockChange]:
    found: list[BlockChange] = []
    old_kinds, new_kinds = _kinds(old), _kinds(new)
    for kind, before in old_kinds.items():
        after = new_kinds[kind]
        for key in sorted(set(before) | set(after)):
            change = _block(kind, key, old, new, before.get(key), after.get(key))
            if change is not None:
                found.append(change)
    return found


def _block(
    kind: str, key: str, old: RuleBase, new: RuleBase, before: Any, after: Any
) -> BlockChange | None:
    old_text = _text(old, before) if before is not None else None
    new_text = _text(new, after) if after is not None else None
    shown = after if after is not None else before
    source = shown.span.location if getattr(shown, "span", None) else ""
    if before is None or after is None:
        change: Literal["added", "removed"] = "added" if before is None else "removed"
        return BlockChange(
            kind=kind, id=key, change=change, old_text=old_text, new_text=new_text, source=source
        )
    old_dump, new_dump = _dump(before, kind), _dump(after, kind)
    if old_dump == new_dump:
        return None
    return BlockChange(
        kind=kind,
        id=key,
        change="changed",
        changes=_field_changes(old_dump, new_dump, old_text or "", new_text or ""),
        old_text=old_text,
        new_text=new_text,
        source=source,
    )


def _parameters(old: RuleBase, new: RuleBase) -> list[ParameterChange]:
    """Each parameter a jurisdiction sets whose values or dates changed, as written."""
    found = []
    before, after = _settings(old), _settings(new)
    for key in sorted(set(before) | set(after)):
        if before.get(key, (None, None))[0] != after.get(key, (None, None))[0]:
            found.append(
                ParameterChange(
                    jurisdiction=key[0],
                    name=key[1],
                    old=before.get(key, (None, None))[1],
                    new=after.get(key, (None, None))[1],
                )
            )
    return found


def _settings(rulebase: RuleBase) -> dict[tuple[str, str], tuple[Any, str]]:
    """(jurisdiction, parameter) -> (what it means, the lines that set it)."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for code, place in rulebase.compiled.library.jurisdictions.items():
        for value in place.parameters:
            grouped.setdefault((code, value.name), []).append(value)
    return {
        key: (
            [_plain(v.model_dump(mode="json")) for v in values],
            "; ".join(_text(rulebase, v).strip() for v in values),
        )
        for key, values in grouped.items()
    }


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
    blocks = _blocks(old, new)
    return RuleDiff(
        old_version=old.version,
        new_version=new.version,
        added=sorted(set(new_duties) - set(old_duties)),
        removed=sorted(set(old_duties) - set(new_duties)),
        changed=_changed(blocks, "duty"),
        instruments_changed=_changed(blocks, "instrument"),
        cases=moved,
        blocks=blocks,
        parameters=_parameters(old, new),
    )


def _changed(blocks: list[BlockChange], kind: str) -> list[DutyChange]:
    return [
        DutyChange(id=b.id, changes=b.changes, old_text=b.old_text, new_text=b.new_text)
        for b in blocks
        if b.kind == kind and b.change == "changed"
    ]


def diff_text(result: RuleDiff) -> str:
    """What a reviewer reads: each block added, removed or changed with its rule text (a
    changed block shows only the fields that changed, before and after), each parameter, and
    the casebook answers that move. Identical libraries print one line saying so."""
    lines = [f"rule base {result.old_version} -> {result.new_version}"]
    for block in result.blocks:
        lines += _block_lines(block)
    for parameter in result.parameters:
        lines.append(f"~ parameter {parameter.name} in {parameter.jurisdiction}")
        lines += _quoted("-", parameter.old) + _quoted("+", parameter.new)
    if result.cases:
        lines.append("casebook answers that change:")
        for case in result.cases:
            lines += _case_lines(case)
    if result.empty:
        lines.append("no change to the rules, parameters or casebook answers")
    return "\n".join(lines) + "\n"


def _block_lines(block: BlockChange) -> list[str]:
    where = f"  ({block.source})" if block.source else ""
    if block.change == "added":
        return [f"+ added {block.kind} {block.id}{where}", *_quoted("+", block.new_text)]
    if block.change == "removed":
        return [f"- removed {block.kind} {block.id}{where}", *_quoted("-", block.old_text)]
    names = ", ".join(c.field for c in block.changes)
    lines = [f"~ {block.kind} {block.id}: {names}{where}"]
    for change in block.changes:
        lines += _quoted("-", change.old) + _quoted("+", change.new)
    return lines


def _quoted(mark: str, text: Any) -> list[str]:
    if text is None or text == "":
        return []
    body = text if isinstance(text, str) else repr(text)
    return [f"    {mark} {line.rstrip()}" for line in body.splitlines()]


def _case_lines(case: CaseChange) -> list[str]:
    verdict = (
        ""
        if case.old_passed == case.new_passed
        else f" (was {'passing' if case.old_passed else 'failing'}, now "
        f"{'passing' if case.new_passed else 'failing'})"
    )
    lines = [f"  {case.case}{verdict}"]
    for key in sorted(set(case.old) | set(case.new)):
        gone = sorted(set(case.old.get(key, [])) - set(case.new.get(key, [])))
        came = sorted(set(case.new.get(key, [])) - set(case.old.get(key, [])))
        if gone or came:
            lines.append(
                f"    {key}: " + " ".join([f"-{g}" for g in gone] + [f"+{c}" for c in came])
            )
    return lines


def temporary_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="obligate-diff-")
