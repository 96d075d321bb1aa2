"""The rule library that ships inside the package, and what a rule folder says about itself.

A rule folder may hold a ``library.toml`` naming its release::

    name = "obligate-rules"
    version = "0.1.0"          # semantic version of the law as encoded
    law_read = "2026-11-25"    # the date the sources were read

The shipped library has one; a user's own folder need not. The content hash (the rule base's
``version``) is computed from the rule files themselves, so it pins the law exactly whether or
not a folder names a release.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from obligate.language.diagnostics import Diagnostic, RuleFileError, Span

MANIFEST = "library.toml"
SHIPPED_NAME = "@shipped"  # how the command line names the shipped library among --rules
SHIPPED_FOLDER = "rules"  # how answers name the shipped library's files, wherever installed


@dataclass(frozen=True)
class Release:
    """One rule folder's release: its name, semantic version and the date the law was read
    (None where the folder does not say)."""

    name: str
    version: str | None = None
    law_read: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "version": self.version, "law_read": self.law_read}


def _error(manifest: Path, message: str) -> RuleFileError:
    """A manifest that cannot be read or says something malformed, as a positioned error."""
    shown = str(manifest)
    problem = Diagnostic("E013", f"cannot read this file: {message}", Span(shown, 1, 1))
    return RuleFileError([problem], {})


def shipped_rules() -> Path:
    """The folder of the rule library that ships with obligate.

    Installed from a wheel it is package data (``obligate/rules``); in a source checkout
    (an editable install) it is the checkout's ``rules/`` folder."""
    packaged = Path(str(resources.files("obligate").joinpath("rules")))
    if (packaged / MANIFEST).is_file():
        return packaged
    source_tree = Path(__file__).resolve().parents[3] / "rules"
    if (source_tree / MANIFEST).is_file():
        return source_tree
    return packaged  # missing: the compiler reports the folder it cannot read


def expand(paths: Sequence[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """Rule paths as given, with ``@shipped`` standing for the shipped library; no paths at
    all mean the shipped library alone."""
    if not paths:
        return [shipped_rules()]
    return [shipped_rules() if str(p) == SHIPPED_NAME else p for p in paths]


def releases(paths: Sequence[str | os.PathLike[str]]) -> tuple[Release, ...]:
    """The release of each rule folder among ``paths`` (single files are not releases): its
    manifest where it has one, else just its folder name."""
    found: list[Release] = []
    for raw in paths:
        folder = Path(raw)
        if not folder.is_dir():
            continue
        found.append(read_release(folder))
    return tuple(found)


def read_release(folder: Path) -> Release:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return Release(name=folder.resolve().name)
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _error(manifest, str(error)) from None
    name = data.get("name", folder.resolve().name)
    version = data.get("version")
    law_read = data.get("law_read")
    if isinstance(law_read, dt.date):  # TOML's bare date
        law_read = law_read.isoformat()
    for key, value in (("name", name), ("version", version), ("law_read", law_read)):
        if value is not None and not isinstance(value, str):
            raise _error(manifest, f"{key} must be text, found {value!r}")
    if law_read is not None:
        try:
            dt.date.fromisoformat(law_read)
        except ValueError:
            raise _error(manifest, "law_read must be a date YYYY-MM-DD") from None
    return Release(name=name, version=version, law_read=law_read)
