"""The command line: thin wiring of flags to the Python API and the report renderers.

app.py        the typer application, the shared options and helpers
commands.py   every command by name, module and function, in the order --help lists them;
              lazy.py builds each on first use, so a run imports only its command's module
version.py    --version (main answers a bare `obligate --version` without typer)
authoring.py  check, test, graph          (writing rule files)
querying.py   query, explain, batch       (asking the rule base)
harmonise.py  compare, baseline, checklist, diff, glossary, enforcement
serving.py    serve, log list, log export (running the service)
review.py     stale                       (which readings of the law are due)
editing.py    fmt, lsp, explain-rule      (writing and reviewing rule files in an editor)

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from obligate.interfaces.cli.app import app

__all__ = ["app", "main"]

ANSWERING = frozenset({"query", "explain"})
"""The commands that answer once from the compile cache, where start-up is most of the run."""
PLUGINS_SWITCH = "PYDANTIC_DISABLE_PLUGINS"


def main() -> None:
    from obligate.interfaces.cli.version import asks_only_the_version

    arguments = sys.argv[1:]
    if asks_only_the_version(arguments):
        from obligate.interfaces.cli.version import version_text

        print(version_text(), flush=True)
        return
    if arguments[:1] and arguments[0] in ANSWERING:
        from obligate.memory import collector_paused

        # One answer, then exit: the cyclic collector would only rescan, again and again,
        # the classes and the rule base that imports and loading make, all of them alive
        # to the end (3 per cent of a query's instructions).
        with _without_pydantic_plugins(), collector_paused():
            _run()
    else:
        _run()


def _run() -> None:
    from obligate.interfaces.cli.app import app

    app()


@contextmanager
def _without_pydantic_plugins() -> Iterator[None]:
    """No pydantic plugins for a query's or an explanation's own models: pydantic looks for
    them among every installed package's entry points (a few per cent of a query's start-up),
    and the models it would hand them are obligate's internals, not the user's (typer does
    the same for its own). A user who sets PYDANTIC_DISABLE_PLUGINS keeps their setting; the
    server, and code importing obligate, load plugins as pydantic does."""
    if PLUGINS_SWITCH in os.environ:
        yield
        return
    os.environ[PLUGINS_SWITCH] = "__all__"
    try:
        yield
    finally:
        os.environ.pop(PLUGINS_SWITCH, None)


class _CommandLine(ModuleType):
    """This package, whose ``app`` (the typer application) is imported on first use rather
    than with the package: `obligate --version` needs neither it nor typer.

    ``app`` stays the application when the submodule app.py is imported too (the import
    system then sets the package's ``app`` to the submodule; as before, the submodule is
    ``sys.modules["obligate.interfaces.cli.app"]``)."""

    @property
    def app(self) -> Any:
        from obligate.interfaces.cli.app import app

        return app

    @app.setter
    def app(self, value: Any) -> None:
        pass


sys.modules[__name__].__class__ = _CommandLine
