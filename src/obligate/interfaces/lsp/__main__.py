"""``python -m obligate.interfaces.lsp``: the language server over stdio."""

from obligate.interfaces.lsp import serve

serve()
