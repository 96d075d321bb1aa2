"""The command line: thin wiring of flags to the Python API and the report renderers.

app.py        the typer application, the shared options and helpers
authoring.py  check, test, graph          (writing rule files)
querying.py   query, explain, batch       (asking the rule base)
harmonise.py  compare, baseline, checklist, diff, glossary, enforcement
serving.py    serve, log list, log export (running the service)
review.py     stale                       (which readings of the law are due)

Exit codes: 0 success; 1 rule-file errors or failing cases; 2 a bad query or bad arguments.
"""

from __future__ import annotations

from obligate.interfaces.cli import authoring, editing, harmonise, querying, review, serving
from obligate.interfaces.cli.app import app

__all__ = ["app", "main"]

# Registered here, in one place, because `obligate --help` lists commands in the order
# they are registered.
app.command()(authoring.check)
app.command()(querying.query)
app.command()(querying.explain)
app.command()(authoring.graph)
app.command()(harmonise.compare)
app.command()(harmonise.baseline)
app.command()(harmonise.checklist)
app.command()(harmonise.diff)
app.command("test")(authoring.test_cases)
app.command()(serving.serve)
app.add_typer(serving.log_app, name="log")
app.command()(harmonise.glossary)
app.command()(harmonise.enforcement)
app.command("batch")(querying.batch_command)
app.command()(review.stale)
editing.register(app)  # fmt, lsp, explain-rule


def main() -> None:
    app()
