"""The language server for rule files (`obligate lsp`): diagnostics as you type, hover, go to
definition, find references, completion and document symbols, over the Language Server
Protocol (pygls). ``python -m obligate.interfaces.lsp`` starts it too."""

from __future__ import annotations


def serve() -> None:
    """Start the language server on stdin and stdout (imports pygls only when asked)."""
    from obligate.interfaces.lsp.server import serve as run

    run()
