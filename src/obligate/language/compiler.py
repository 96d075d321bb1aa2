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
import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from obligate.about import ENGINE_VERSION
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
READ_PIECE_BYTES = 64 * 1024
CACHE_FORMAT = 5  # 3: authenticated entries (cache.py); 4: spans pickled as tuples; 5: derived


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
    # what a later stage derives from the library alone, by the stage's key, kept in the
    # same cache entry so that a library read back need not derive it again (compile_paths)
    derived: dict[str, Any] = field(default_factory=dict)


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
    files, outside = _found(paths)
    return [(path, key) for path, key, _real in files], outside


Found = tuple[Path, str, str]  # (path as found, path inside its folder, real absolute path)


def _found(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Found], list[Path]]:
    found: dict[Path, tuple[str, str]] = {}
    outside: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.setdefault(path, (path.name, os.path.realpath(path)))
            continue
        root = os.path.realpath(path)
        for key, is_link in _walk(str(path), ""):
            file = path / key
            # Only a link can lead out of the folder: the walk does not enter linked
            # folders, so any other file's real path is the folder's own plus its key.
            real = os.path.realpath(file) if is_link else os.path.join(root, key)
            if is_link and _under(real, root) is None:
                outside.append(file)
                continue
            found.setdefault(file, (key, real))
    files = [(path, key, real) for path, (key, real) in sorted(found.items())]
    return files, sorted(outside)


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, bool]]:
    """(path inside the top folder, is a symbolic link) of every .obl file under ``folder``,
    one directory read per folder; linked folders are not entered, unreadable ones skipped
    (as ``Path.rglob`` does)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        key = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, key + "/")
            elif entry.name.endswith(".obl") and entry.is_file():
                yield key, entry.is_symlink()
        except OSError:
            continue


def _under(real: str, folder: str) -> str | None:
    """``real``'s path inside ``folder`` ("" for the folder itself), or None when it is not
    there (both real absolute paths, as ``PurePath.relative_to`` compares them)."""
    if real == folder:
        return ""
    prefix = os.path.join(folder, "")
    return real[len(prefix) :] if real.startswith(prefix) else None


def read_sources(paths: Sequence[str | os.PathLike[str]], diagnostics: Diagnostics) -> list[Source]:
    sources = [prelude()]
    files, outside = _found(paths)
    shipped = os.path.realpath(shipped_rules())
    working = os.getcwd()
    for path in outside:
        diagnostics.error(
            "E016",
            f"this file is a link to {path.resolve()}, outside the rule folder: not read",
            Span(str(path), 1, 1),
            "copy the file into the rule folder, or name it on the command line",
        )
    for path, key, real in files:
        shown = _display_path(path, real, shipped, working)
        try:
            with open(path, "rb") as handle:
                data = _read_at_most(handle, MAX_FILE_BYTES + 1)  # more is refused (E008) unread
        except OSError as exc:
            diagnostics.error("E013", f"cannot read this file: {exc.strerror}", Span(shown, 1, 1))
            continue
        text = decode(shown, data, diagnostics)
        if text is not None:
            sources.append(Source(shown, text, key))
    return sources


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of ``handle``, read in pieces: one ``read(limit)`` would make a
    buffer of the whole limit (megabytes) for every small rule file."""
    pieces: list[bytes] = []
    left = limit
    while left > 0:
        piece = handle.read(min(left, READ_PIECE_BYTES))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def _display_path(path: Path, real: str, shipped: str, working: str) -> str:
    """How answers and diagnostics name a rule file: the shipped library's files as
    ``rules/...`` wherever the package is installed (so that an answer does not depend on the
    install location or the working folder), any other file relative to the working folder
    (``real`` is the file's real path, ``shipped`` and ``working`` those of the folders)."""
    inside = _under(real, shipped)
    if inside is not None:
        return posixpath.join(SHIPPED_FOLDER, inside.replace(os.sep, "/"))
    inside = _under(real, working)
    if inside is not None:
        return inside or "."
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


def compile_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    use_cache: bool = True,
    derive: Callable[[Compiled], bool] | None = None,
) -> Compiled:
    """Compile rule files and folders; raise ``RuleFileError`` with every problem found.

    ``derive`` lets a later stage add what it derives from the library to
    ``Compiled.derived`` before the cache entry is written; it returns whether it added
    anything, and an entry read back without it is written again with it."""
    diagnostics = Diagnostics()
    sources = read_sources(paths, diagnostics)
    texts = {s.path: s.text for s in sources}
    if diagnostics.has_errors:
        raise RuleFileError(diagnostics.sorted(), texts)
    version = version_of(sources)
    # The answers name each rule's file as the user gave it, so the same library found at
    # another path is a different cache entry (the version, which hashes contents, is not).
    entry = _entry_name(version, [s.path for s in sources])
    compiled = _cache_read(entry, version, texts) if use_cache else None
    compiled_now = compiled is None
    if compiled is None:
        with collector_paused():
            library = compile_sources(sources, diagnostics)
        if library is None:
            raise RuleFileError(diagnostics.sorted(), texts)
        compiled = Compiled(library, texts, version, diagnostics.sorted())
    derived_now = derive is not None and derive(compiled)
    if use_cache and (compiled_now or derived_now):
        _cache_write(entry, compiled)
    return compiled


# ---------------------------------------------------------------- cache


def _entry_name(version: str, paths: Sequence[str]) -> str:
    shown = hashlib.sha256("\0".join(sorted(paths)).encode()).hexdigest()[:12]
    return f"{version}-{shown}"


def _cache_name(entry: str) -> str:
    # The engine's version names the entry: another release of obligate may pickle its
    # classes differently (read from about.py, not the installed metadata: no search of the
    # installed distributions at start-up, and the same string, as pyproject.toml reads it there)
    return f"rules-{CACHE_FORMAT}-{ENGINE_VERSION}-{entry}.pickle"


def _cache_read(entry: str, version: str, texts: dict[str, str]) -> Compiled | None:
    """The cached compile of exactly these sources: an authentic entry (cache.py) whose
    version and every source text are the files' own."""
    value = cache.read(_cache_name(entry))
    if not isinstance(value, Compiled) or value.version != version or value.sources != texts:
        return None
    return value


def _cache_write(entry: str, compiled: Compiled) -> None:
    cache.write(_cache_name(entry), compiled)
