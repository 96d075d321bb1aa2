"""The command line: thin wiring of flags to the Python API and the report renderers.

app.py        the typer application, the shared options and helpers
commands.py   every command by name, module and function, in the order --help lists them;
              lazy.py builds each on first use, so a run imports only its command's module
authoring.py  check, test, graph          (writing rule files)
querying.py   query, explain, batch       (asking the rule base)
harmonise.py  compare, baseline, checklist, diff, glossary, enforcement
serving.py    serve, log list, log export (running the service)
review.py     stale                       (which readings of the law are due)
editing.py    fmt, lsp, explain-rule      (writing and reviewing rule files in an editor)

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

from obligate.interfaces.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
