"""The compile pipeline: rule-file text to a checked library, as a named list of stages.

    parse    text -> syntax trees (syntax.py)            per file
    build    syntax trees -> model blocks (builder/)      per file
    resolve  every name used is declared (resolve.py)     whole library
    checks   cycles, dates, types, dead conditions        whole library; needs resolved names

Each stage appends to one ``Diagnostics``; the pipeline stops at the first stage boundary
with errors, so that resolution never runs on a file that failed to parse. A corpus that
compiled before is read back from a cache keyed by the content hash of every file, whose
entries are authenticated and bounded (cache.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from obligate.language import cache
from obligate.language.diagnostics import Diagnostic, Diagnostics, RuleFileError, Span
from obligate.language.release import SHIPPED_FOLDER, Release, shipped_rules
from obligate.language.source_text import MAX_FILE_BYTES, decode, grammar_text
from obligate.memory import collector_paused

if TYPE_CHECKING:
    # imported where a library is made: reading sources and hashing them (`--version`)
    # does not need the model
    from obligate.language import model as m
    from obligate.language.resolve import Library

PRELUDE_NAME = "<obligate>/prelude.obl"
CACHE_FORMAT = 4  # 3: authenticated entries (cache.py); 4: spans pickled as tuples


@dataclass(frozen=True)
class Source:
    path: str  # as shown to the user
    text: str
    key: str = ""  # the path inside the library folder: what the version hashes


@dataclass
class Compiled:
    """A checked library with the texts it came from and its warnings."""

    library: Library
    sources: dict[str, str]
    version: str
    warnings: list[Diagnostic] = field(default_factory=list)
    # each rule folder's release (library.toml), set by ``load`` after compiling or reading
    # the cache (a release can change without a rule file changing); () until then
    releases: tuple[Release, ...] = ()


def prelude() -> Source:
    text = resources.files("obligate.language").joinpath("prelude.obl").read_text(encoding="utf-8")
    return Source(PRELUDE_NAME, text, PRELUDE_NAME)


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """The .obl files under the given files and folders, sorted, each once, with the path
    each has inside the folder it was found in (files outside their folder left out)."""
    return discover_all(paths)[0]


def discover_all(
    paths: Sequence[str | os.PathLike[str]],
) -> tuple[list[tuple[Path, str]], list[Path]]:
    """``discover``'s files, and the files found in a folder that are really elsewhere (a
    symbolic link to a file or folder outside it): those are refused, not read, so that a
    link planted in a rule folder cannot make the compiler read and echo any file."""
    found: dict[Path, str] = {}
    outside: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for file in path.rglob("*.obl"):
                if not file.is_file():
                    continue
                if not file.resolve().is_relative_to(root):
                    outside.append(file)
                    continue
                found.setdefault(file, file.relative_to(path).as_posix())
        else:
            found.setdefault(path, path.name)
    return sorted(found.items()), sorted(outside)


def read_sources(paths: Sequence[str | os.PathLike[str]], diagnostics: Diagnostics) -> list[Source]:
    sources = [prelude()]
    files, outside = discover_all(paths)
    shipped = shipped_rules().resolve()
    for path in outside:
        diagnostics.error(
            "E016",
            f"this file is a link to {path.resolve()}, outside the rule folder: not read",
            Span(str(path), 1, 1),
            "copy the file into the rule folder, or name it on the command line",
        )
    for path, key in files:
        shown = _display_path(path, shipped)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # more is refused (E008) unread
        except OSError as exc:
            diagnostics.error("E013", f"cannot read this file: {exc.strerror}", Span(shown, 1, 1))
            continue
        text = decode(shown, data, diagnostics)
        if text is not None:
            sources.append(Source(shown, text, key))
    return sources


def _display_path(path: Path, shipped: Path) -> str:
    """How answers and diagnostics name a rule file: the shipped library's files as
    ``rules/...`` wherever the package is installed (so that an answer does not depend on the
    install location or the working folder), any other file relative to the working folder."""
    resolved = path.resolve()
    if resolved.is_relative_to(shipped):
        return (Path(SHIPPED_FOLDER) / resolved.relative_to(shipped)).as_posix()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def version_of(sources: Sequence[Source]) -> str:
    """The rule base's version: a hash of the sorted rule-file contents (and the grammar)."""
    digest = hashlib.sha256()
    digest.update(grammar_text().encode())
    for source in sorted(sources, key=lambda s: s.key or s.path):
        digest.update((source.key or source.path).encode() + b"\0" + source.text.encode() + b"\0")
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- stages

Stage = Callable[["_Run"], None]


@dataclass
class _Run:
    sources: list[Source]
    diagnostics: Diagnostics
    files: list[m.RuleFile] = field(default_factory=list)
    library: Library = field(default_factory=lambda: _empty_library())


def _empty_library() -> Library:
    from obligate.language.resolve import Library

    return Library()


def _parse_and_build(run: _Run) -> None:
    # Imported here: the parser (lark) is needed only when something is compiled, not when
    # a library comes back from the cache.
    from obligate.language.builder import parse_and_build

    # Parse and build run file by file, so one pass over a file yields its model.
    for source in run.sources:
        run.files.append(parse_and_build(source.path, source.text, run.diagnostics))


def _resolve(run: _Run) -> None:
    from obligate.language.resolve import gather, resolve

    run.library = gather(run.files, run.diagnostics)
    resolve(run.library, run.diagnostics)


def _checks(run: _Run) -> None:
    from obligate.language.checks import check  # needed only to compile, like the parser

    check(run.library, run.diagnostics)


STAGES: tuple[tuple[str, Stage], ...] = (
    ("parse+build", _parse_and_build),
    ("resolve", _resolve),  # before checks: checks read declarations by name
    ("checks", _checks),
)


def compile_sources(sources: list[Source], diagnostics: Diagnostics) -> Library | None:
    """Run the stages; stop at the first boundary with errors, except that names are still
    resolved after errors that lost no declaration (a bad date, a broken field: the block
    was kept without it), so that one pass reports every problem of that kind."""
    from obligate.language.recovery import without_echoes  # imports the parser (lark)

    run = _Run(sources, diagnostics)
    for name, stage in STAGES:
        stage(run)
        if name == "resolve":
            without_echoes(diagnostics)
        if diagnostics.has_errors and (name != "parse+build" or diagnostics.incomplete):
            return None
    return run.library


def compile_paths(paths: Sequence[str | os.PathLike[str]], *, use_cache: bool = True) -> Compiled:
    """Compile rule files and folders; raise ``RuleFileError`` with every problem found."""
    diagnostics = Diagnostics()
    sources = read_sources(paths, diagnostics)
    texts = {s.path: s.text for s in sources}
    if diagnostics.has_errors:
        raise RuleFileError(diagnostics.sorted(), texts)
    version = version_of(sources)
    # The answers name each rule's file as the user gave it, so the same library found at
    # another path is a different cache entry (the version, which hashes contents, is not).
    entry = _entry_name(version, [s.path for s in sources])
    cached = _cache_read(entry, version, texts) if use_cache else None
    if cached is not None:
        return cached
    with collector_paused():
        library = compile_sources(sources, diagnostics)
    if library is None:
        raise RuleFileError(diagnostics.sorted(), texts)
    compiled = Compiled(library, texts, version, diagnostics.sorted())
    if use_cache:
        _cache_write(entry, compiled)
    return compiled


# ---------------------------------------------------------------- cache


def _entry_name(version: str, paths: Sequence[str]) -> str:
    shown = hashlib.sha256("\0".join(sorted(paths)).encode()).hexdigest()[:12]
    return f"{version}-{shown}"


def _cache_name(entry: str) -> str:
    from importlib import metadata  # here: `obligate --version` reads sources, not the cache

    try:
        package = metadata.version("obligate")
    except metadata.PackageNotFoundError:
        package = "dev"
    return f"rules-{CACHE_FORMAT}-{package}-{entry}.pickle"


def _cache_read(entry: str, version: str, texts: dict[str, str]) -> Compiled | None:
    """The cached compile of exactly these sources: an authentic entry (cache.py) whose
    version and every source text are the files' own."""
    value = cache.read(_cache_name(entry))
    if not isinstance(value, Compiled) or value.version != version or value.sources != texts:
        return None
    return value


def _cache_write(entry: str, compiled: Compiled) -> None:
    cache.write(_cache_name(entry), compiled)
