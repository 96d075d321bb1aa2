"""Source positions and diagnostics: the one shape every problem in a rule file takes.

A diagnostic renders as ``file:line:col: error[CODE]: message``, then the source line, a
caret under the spot, and an optional ``hint:`` line. Codes are public and never reused (see
docs/diagnostics.md), so tests and clients can rely on them while the wording improves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import TYPE_CHECKING, Any

MAX_REPORTED = 20


class Span(tuple[str, int, int, int, int]):
    """Where a node came from: 1-based line and column, and where it ends.

    A tuple: made (by the builder, and by the compile cache, which holds one span per node)
    in a third less time than the frozen dataclass it was, whose ``__init__`` set each field
    through ``object.__setattr__``. It compares, hashes and prints as that dataclass did,
    and models validate and dump it as one (``__get_pydantic_core_schema__``)."""

    __slots__ = ()

    def __new__(cls, file: str, line: int, col: int, end_line: int = 0, end_col: int = 0) -> Span:
        return tuple.__new__(cls, (file, line, col, end_line, end_col))

    if TYPE_CHECKING:
        file: str
        line: int
        col: int
        end_line: int
        end_col: int
    else:  # C-level reads, as fast as the slots they replace
        file = property(itemgetter(0))
        line = property(itemgetter(1))
        col = property(itemgetter(2))
        end_line = property(itemgetter(3))
        end_col = property(itemgetter(4))

    def __str__(self) -> str:
        return f"{self[0]}:{self[1]}:{self[2]}"

    def __repr__(self) -> str:
        file, line, col, end_line, end_col = self
        return (
            f"Span(file={file!r}, line={line!r}, col={col!r}, "
            f"end_line={end_line!r}, end_col={end_col!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (Span, tuple(self))

    @property
    def location(self) -> str:
        """``file:line``: the form a determination prints as a duty's source."""
        return f"{self[0]}:{self[1]}"

    def as_dict(self) -> dict[str, Any]:
        """The span as models dump it (the fields of the dataclass it was)."""
        file, line, col, end_line, end_col = self
        return {"file": file, "line": line, "col": col, "end_line": end_line, "end_col": end_col}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def field(kind: Any, required: bool = True) -> Any:
            return core_schema.typed_dict_field(kind, required=required)

        # a Span as it is, or from its dumped form (a dict), as the dataclass it replaced took
        from_dict = core_schema.no_info_after_validator_function(
            lambda fields: cls(**fields),
            core_schema.typed_dict_schema(
                {
                    "file": field(core_schema.str_schema()),
                    "line": field(core_schema.int_schema()),
                    "col": field(core_schema.int_schema()),
                    "end_line": field(core_schema.int_schema(), required=False),
                    "end_col": field(core_schema.int_schema(), required=False),
                }
            ),
        )
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), from_dict],
            serialization=core_schema.plain_serializer_function_ser_schema(Span.as_dict),
        )


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.col, self.code, self.message)

    def render(self, sources: Mapping[str, str]) -> str:
        head = f"{self.span}: {self.severity.value}[{self.code}]: {self.message}"
        lines = [head]
        text = sources.get(self.span.file)
        if text is not None:
            source_line = _line_of(text, self.span.line)
            if source_line is not None:
                shown = source_line.expandtabs(1)
                width = _caret_width(self.span, len(shown))
                lines.append(f"  {shown}")
                lines.append("  " + " " * (self.span.col - 1) + "^" * width)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "col": self.span.col,
            "hint": self.hint,
        }


def _line_of(text: str, line: int) -> str | None:
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return None


def _caret_width(span: Span, line_length: int) -> int:
    if span.end_line == span.line and span.end_col > span.col:
        return min(span.end_col - span.col, max(1, line_length - span.col + 1))
    return 1


@dataclass
class Diagnostics:
    """A collector passed through the compile stages: stages append, they don't raise."""

    items: list[Diagnostic] = field(default_factory=list)
    # A block was lost to a syntax error: names it declares are unknown to later stages.
    incomplete: bool = False
    # Blocks kept without their broken fields: (file, first line, last line).
    damaged: list[tuple[str, int, int]] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.items.append(Diagnostic(code, message, span, hint, Severity.ERROR))

    def warning(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.items.append(Diagnostic(code, message, span, hint, Severity.WARNING))

    def extend(self, more: Iterable[Diagnostic]) -> None:
        self.items.extend(more)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


class RuleFileError(Exception):
    """Raised at a stage boundary when rule files have errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic], sources: Mapping[str, str]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.sources = dict(sources)
        super().__init__(render_all(self.diagnostics, self.sources))


def render_all(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], limit: int = MAX_REPORTED
) -> str:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    shown = [d.render(sources) for d in ordered[:limit]]
    if len(ordered) > limit:
        shown.append(f"... and {len(ordered) - limit} more")
    return "\n".join(shown)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate by edit distance, ignoring case, phrased as a hint, when it is
    within a third of the name's length; of equally close ones, the first in sorted order.

    Levenshtein distance from rapidfuzz rather than difflib's similarity ratio, which would
    change the hints the golden diagnostics hold: it offers `GBP` for `GPB` and `X-ACT` for
    `X-ATC`, where a swap of two letters costs two edits, more than a three-letter name allows.
    """
    # Imported here: a hint is only needed when something is wrong, so a clean start does
    # not pay for loading rapidfuzz.
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = process.extractOne(
        name,
        sorted(candidates),
        scorer=Levenshtein.distance,
        processor=str.lower,
        score_cutoff=len(name) // 3,
    )
    return f"did you mean `{found[0]}`?" if found is not None else None


LIST_ALL_UP_TO = 12  # accepted values listed whole up to this many; else the nearest five


def suggest(name: str, candidates: Iterable[str], nearest: int = 5) -> str | None:
    """A hint for an unknown name: the closest candidate when one is close; otherwise every
    accepted value when there are few, or the ``nearest`` closest by edit distance."""
    known = sorted(set(candidates))
    close = did_you_mean(name, known)
    if close is not None or not known:
        return close
    if len(known) <= LIST_ALL_UP_TO:
        return "accepted: " + ", ".join(f"`{value}`" for value in known)
    from rapidfuzz.distance import Levenshtein

    def words(text: str) -> set[str]:
        return set(text.lower().replace("-", "_").split("_"))

    def closeness(value: str) -> tuple[int, int, str]:
        # Words in common first (`age_verification` is nearer `age_assurance` than
        # `preservation`), then the edit distance.
        shared = len(words(name) & words(value))
        return (-shared, Levenshtein.distance(name.lower(), value.lower()), value)

    ranked = sorted(known, key=closeness)
    return "the nearest: " + ", ".join(f"`{value}`" for value in ranked[:nearest])
