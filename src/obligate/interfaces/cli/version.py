"""``obligate --version``: the engine's version, the JSON contract's, and the shipped rule
library's release and content hash.

Nothing here imports typer: ``main`` answers a bare ``obligate --version`` without building
the command line (typer and its vendored click are a fifth of that run), and the typer
option's callback prints the same text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

COMPLETION_SUFFIX = "_COMPLETE"  # click's _OBLIGATE_COMPLETE: a shell asks for completions


def version_text() -> str:
    """The engine's version, the JSON contract's, and the shipped rule library's release and
    content hash (the rule base ``version`` its answers carry)."""
    from obligate.about import CONTRACT_VERSION, ENGINE_VERSION
    from obligate.language.compiler import read_sources, version_of
    from obligate.language.diagnostics import Diagnostics
    from obligate.language.release import read_release, shipped_rules

    folder = shipped_rules()
    release = read_release(folder)
    content = version_of(read_sources([folder], Diagnostics()))
    return (
        f"obligate {ENGINE_VERSION} (JSON contract {CONTRACT_VERSION})\n"
        f"rule library {release.name} {release.version or '(no version)'}, "
        f"law read {release.law_read or '(not recorded)'}, content hash {content}"
    )


def asks_only_the_version(arguments: Sequence[str]) -> bool:
    """``obligate --version`` and nothing else, and no shell asking for completions (which
    click answers instead of running the command line): the one run ``main`` answers
    without typer. Anything else, ``--version`` among other arguments included, is typer's."""
    if list(arguments) != ["--version"]:
        return False
    return not any(name.endswith(COMPLETION_SUFFIX) for name in os.environ)
