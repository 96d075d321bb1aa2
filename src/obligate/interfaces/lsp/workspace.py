"""The rule library an editor has open: files on disk with the open documents' unsaved text
over them, compiled together, and indexed by name.

Which library a document belongs to: the folders given by the client (initialization option
``rules``), else the nearest folder named ``rules`` above the document, else the workspace
folder's ``rules/``; the document itself always takes part. So a file under ``rules/eu/`` is
checked with every other rule of the library, and a file elsewhere with that library too.

Each file is parsed and built once per distinct text (the editor sends the whole library
only once), then names are resolved and the library checks run, as ``obligate check`` does:
names are resolved unless a block was lost whole, and the checks run on a library without errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from obligate.interfaces.lsp.index import (
    DECLARATION,
    LAW_DEFINITION,
    FileIndex,
    Occurrence,
    index_text,
)
from obligate.language import model as m
from obligate.language.builder import parse_and_build
from obligate.language.checks import check
from obligate.language.diagnostics import Diagnostic, Diagnostics, Severity
from obligate.language.recovery import without_echoes
from obligate.language.resolve import BUILTIN_LIST_FACTS, Library, gather, resolve


def prelude_path() -> str:
    return str(resources.files("obligate.language").joinpath("prelude.obl"))


@dataclass
class Analysis:
    """One compile of a library: diagnostics by file, the library, and the name index."""

    texts: dict[str, str]
    diagnostics: dict[str, list[Diagnostic]]
    library: Library
    indexes: dict[str, FileIndex]
    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)

    def at(self, path: str, line: int, col: int) -> Occurrence | None:
        """The name under a position (1-based line and column)."""
        found = self.occurrences.get(path, [])
        return next((o for o in found if o.covers(line, col)), None)

    def everywhere(self, kind: str, name: str) -> list[tuple[str, Occurrence]]:
        return [
            (path, occurrence)
            for path, found in self.occurrences.items()
            for occurrence in found
            if occurrence.kind == kind and occurrence.name == name
        ]

    def declarations(self, kind: str, name: str) -> list[tuple[str, Occurrence]]:
        """Where a name is declared; for a term also every law's definition of it."""
        return [
            (path, occurrence)
            for path, occurrence in self.everywhere(kind, name)
            if occurrence.role in (DECLARATION, LAW_DEFINITION)
        ]


@dataclass
class Workspace:
    folders: list[Path] = field(default_factory=list)
    rules: list[Path] = field(default_factory=list)  # given by the client
    open: dict[str, str] = field(default_factory=dict)  # path -> unsaved text
    _built: dict[tuple[str, str], tuple[m.RuleFile, Diagnostics]] = field(default_factory=dict)
    _indexed: dict[str, FileIndex] = field(default_factory=dict)

    def library_paths(self, document: str) -> list[str]:
        """Every rule file of the library the document belongs to, the document included."""
        found: dict[str, None] = {}
        for folder in self._library_folders(document):
            for file in sorted(folder.rglob("*.obl")):
                if file.is_file():
                    found[str(file.resolve())] = None
        found[document] = None
        return list(found)

    def _library_folders(self, document: str) -> list[Path]:
        if self.rules:
            return [folder for folder in self.rules if folder.is_dir()]
        path = Path(document)
        for parent in path.parents:
            if parent.name == "rules" and parent.is_dir():
                return [parent]
        return [folder / "rules" for folder in self.folders if (folder / "rules").is_dir()]

    def text(self, path: str) -> str | None:
        if path in self.open:
            return self.open[path]
        try:
            return Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            return None

    def analyse(self, document: str) -> Analysis:
        texts = {prelude_path(): self.text(prelude_path()) or ""}
        for path in self.library_paths(document):
            text = self.text(path)
            if text is not None:
                texts[path] = text
        return self.analyse_texts(texts)

    def analyse_texts(self, texts: dict[str, str]) -> Analysis:
        per_file: dict[str, list[Diagnostic]] = {path: [] for path in texts}
        files: list[m.RuleFile] = []
        library_diagnostics = Diagnostics()
        for path, text in texts.items():
            rule_file, built = self._build(path, text)
            files.append(rule_file)
            per_file[path].extend(built.items)
            library_diagnostics.incomplete |= built.incomplete
            library_diagnostics.damaged.extend(built.damaged)
        # As the compiler does: names are resolved unless a block was lost whole, and the
        # library checks run only on a library without errors.
        errors = any(d.severity is Severity.ERROR for ds in per_file.values() for d in ds)
        resolving = not library_diagnostics.incomplete
        library = gather(files, library_diagnostics if resolving else Diagnostics())
        if resolving:
            resolve(library, library_diagnostics)
            without_echoes(library_diagnostics)
            if not errors and not library_diagnostics.has_errors:
                check(library, library_diagnostics)
        for diagnostic in library_diagnostics.sorted():
            per_file.setdefault(diagnostic.span.file, []).append(diagnostic)
        indexes = {path: self._index(text) for path, text in texts.items()}
        analysis = Analysis(texts, per_file, library, indexes)
        analysis.occurrences = {
            path: list(_settle(index.occurrences, library)) for path, index in indexes.items()
        }
        return analysis

    def _build(self, path: str, text: str) -> tuple[m.RuleFile, Diagnostics]:
        key = (path, text)
        if key not in self._built:
            diagnostics = Diagnostics()
            rule_file = parse_and_build(path, text, diagnostics)
            self._forget(path)
            self._built[key] = (rule_file, diagnostics)
        return self._built[key]

    def _forget(self, path: str) -> None:
        for key in [key for key in self._built if key[0] == path]:
            del self._built[key]

    def _index(self, text: str) -> FileIndex:
        if text not in self._indexed:
            if len(self._indexed) > 4096:
                self._indexed.clear()
            self._indexed[text] = index_text(text)
        return self._indexed[text]


def _settle(occurrences: Sequence[Occurrence], library: Library) -> Iterable[Occurrence]:
    """Give `service is X` and the names of `fact in {...}` their kind, from the library."""
    for occurrence in occurrences:
        kind = _kind(occurrence, library)
        if kind is not None:
            yield occurrence if kind == occurrence.kind else _with_kind(occurrence, kind)


def _kind(occurrence: Occurrence, library: Library) -> str | None:
    if occurrence.kind == "type_or_definition":
        return _type_or_definition(occurrence.name, library)
    if not occurrence.kind.startswith("value:"):
        return occurrence.kind
    subject, _, fact = occurrence.kind.removeprefix("value:").partition(".")
    builtin = BUILTIN_LIST_FACTS.get(fact) if subject == "service" else None
    if builtin == "type":
        return _type_or_definition(occurrence.name, library)
    if builtin is not None:
        return builtin
    entry = library.facts.get((subject, fact))
    if entry is not None and entry.fact_type is m.FactType.JURISDICTION:
        return "jurisdiction"
    return None


def _type_or_definition(name: str, library: Library) -> str:
    return "definition" if name in library.definitions else "type"


def _with_kind(occurrence: Occurrence, kind: str) -> Occurrence:
    return Occurrence(
        kind, occurrence.name, occurrence.line, occurrence.col, occurrence.end_col, occurrence.role
    )
