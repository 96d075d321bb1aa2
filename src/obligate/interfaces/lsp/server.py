"""The language server (`obligate lsp`): pygls over stdio.

Capabilities: diagnostics as you type (the open document compiled with the rest of its
library), hover, go to definition, find references, completion, document symbols,
formatting (the layout of `obligate fmt`), and quick fixes from the hints. Every
answer is computed from ``workspace.Analysis``; this module only converts between LSP's
0-based UTF-16 positions and the compiler's 1-based columns.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from obligate.interfaces.lsp.complete import block_kind, complete
from obligate.interfaces.lsp.hover import hover_markdown
from obligate.interfaces.lsp.index import Block, Occurrence
from obligate.interfaces.lsp.workspace import Analysis, Workspace
from obligate.language.diagnostics import Diagnostic, Severity

NAME = "obligate"

_COMPLETION_KINDS = {
    "fact": lsp.CompletionItemKind.Field,
    "feature": lsp.CompletionItemKind.Property,
    "type": lsp.CompletionItemKind.Class,
    "definition": lsp.CompletionItemKind.Function,
    "category": lsp.CompletionItemKind.EnumMember,
    "jurisdiction": lsp.CompletionItemKind.Module,
    "instrument": lsp.CompletionItemKind.Reference,
    "duty": lsp.CompletionItemKind.Event,
    "term": lsp.CompletionItemKind.Text,
    "parameter": lsp.CompletionItemKind.Constant,
    "field": lsp.CompletionItemKind.Keyword,
}
_SYMBOL_KINDS = {
    "jurisdiction": lsp.SymbolKind.Namespace,
    "instrument": lsp.SymbolKind.Module,
    "vocabulary": lsp.SymbolKind.Package,
    "definition": lsp.SymbolKind.Function,
    "obligation": lsp.SymbolKind.Event,
    "prohibition": lsp.SymbolKind.Event,
    "permission": lsp.SymbolKind.Event,
    "absence": lsp.SymbolKind.Null,
    "term": lsp.SymbolKind.String,
    "enforcement": lsp.SymbolKind.Key,
    "type": lsp.SymbolKind.Class,
    "feature": lsp.SymbolKind.Property,
    "fact": lsp.SymbolKind.Field,
    "parameter": lsp.SymbolKind.Constant,
    "category": lsp.SymbolKind.EnumMember,
    "attribute": lsp.SymbolKind.Property,
}


class ObligateServer(LanguageServer):
    def __init__(self) -> None:
        from obligate import __version__

        super().__init__(NAME, __version__)
        self.rules = Workspace()
        self.published: set[str] = set()


server = ObligateServer()


# ---------------------------------------------------------------- paths and positions


def uri_to_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri  # an untitled document: its URI is its name
    return str(Path(unquote(parsed.path)).resolve())


def path_to_uri(path: str) -> str:
    return Path(path).as_uri() if path.startswith("/") or Path(path).is_absolute() else path


def _lines(text: str) -> list[str]:
    return text.split("\n")


def to_column(line_text: str, character: int) -> int:
    """LSP's UTF-16 offset to a 1-based column in code points."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index + 1
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text) + 1


def to_character(line_text: str, column: int) -> int:
    """A 1-based column in code points to LSP's UTF-16 offset."""
    prefix = line_text[: max(0, column - 1)]
    return sum(2 if ord(char) > 0xFFFF else 1 for char in prefix)


def _position(lines: list[str], line: int, column: int) -> lsp.Position:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return lsp.Position(line=max(0, line - 1), character=to_character(text, column))


def _range(text: str, line: int, col: int, end_line: int, end_col: int) -> lsp.Range:
    lines = _lines(text)
    if not end_line or (end_line, end_col) <= (line, col):
        end_line, end_col = line, _word_end(lines, line, col)
    return lsp.Range(start=_position(lines, line, col), end=_position(lines, end_line, end_col))


def _word_end(lines: list[str], line: int, col: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    end = col
    while end - 1 < len(text) and (text[end - 1].isalnum() or text[end - 1] in "_-"):
        end += 1
    return max(end, col + 1)


def _location(analysis: Analysis, path: str, occurrence: Occurrence) -> lsp.Location:
    text = analysis.texts.get(path, "")
    where = _range(text, occurrence.line, occurrence.col, occurrence.line, occurrence.end_col)
    return lsp.Location(uri=path_to_uri(path), range=where)


# ---------------------------------------------------------------- lifecycle and diagnostics


@server.feature(lsp.INITIALIZE)
def initialize(ls: ObligateServer, params: lsp.InitializeParams) -> None:
    folders = [uri_to_path(folder.uri) for folder in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [uri_to_path(params.root_uri)]
    ls.rules.folders = [Path(folder) for folder in folders]
    options: Any = params.initialization_options
    if isinstance(options, dict) and isinstance(options.get("rules"), list):
        base = ls.rules.folders[0] if ls.rules.folders else Path.cwd()
        ls.rules.rules = [(base / str(folder)).resolve() for folder in options["rules"]]


def _analysis(ls: ObligateServer, uri: str) -> tuple[str, Analysis]:
    path = uri_to_path(uri)
    return path, ls.rules.analyse(path)


def _publish(ls: ObligateServer, uri: str) -> None:
    """Publish the document's diagnostics (an empty list clears them), and those of every
    other file of its library that has some or had some."""
    path, analysis = _analysis(ls, uri)
    now: set[str] = set()
    for file, found in analysis.diagnostics.items():
        if found or file in ls.published or file == path:
            text = analysis.texts.get(file, "")
            ls.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=path_to_uri(file),
                    diagnostics=[_diagnostic(text, d) for d in found],
                )
            )
        if found:
            now.add(file)
    ls.published = now


def _diagnostic(text: str, diagnostic: Diagnostic) -> lsp.Diagnostic:
    span = diagnostic.span
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    severity = (
        lsp.DiagnosticSeverity.Error
        if diagnostic.severity is Severity.ERROR
        else lsp.DiagnosticSeverity.Warning
    )
    return lsp.Diagnostic(
        range=_range(text, span.line, span.col, span.end_line, span.end_col),
        message=message,
        severity=severity,
        code=diagnostic.code,
        source=NAME,
    )


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ObligateServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.rules.open[uri_to_path(params.text_document.uri)] = params.text_document.text
    _publish(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ObligateServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.rules.open[uri_to_path(uri)] = ls.workspace.get_text_document(uri).source
    _publish(ls, uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ObligateServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.rules.open.pop(uri_to_path(params.text_document.uri), None)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def files_changed(ls: ObligateServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    for uri in list(ls.workspace.text_documents):
        _publish(ls, uri)
        break  # one compile covers the library every open document shares


# ---------------------------------------------------------------- answers


def _at(ls: ObligateServer, uri: str, position: lsp.Position) -> tuple[Analysis, Occurrence | None]:
    path, analysis = _analysis(ls, uri)
    lines = _lines(analysis.texts.get(path, ""))
    line_text = lines[position.line] if position.line < len(lines) else ""
    occurrence = analysis.at(path, position.line + 1, to_column(line_text, position.character))
    return analysis, occurrence


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: ObligateServer, params: lsp.HoverParams) -> lsp.Hover | None:
    analysis, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    markdown = hover_markdown(occurrence, analysis.library, analysis.texts)
    if markdown is None:
        return None
    path = uri_to_path(params.text_document.uri)
    where = _location(analysis, path, occurrence).range
    content = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown)
    return lsp.Hover(contents=content, range=where)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ObligateServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    analysis, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    found = analysis.declarations(occurrence.kind, occurrence.name)
    return [_location(analysis, path, o) for path, o in found] or None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: ObligateServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    analysis, occurrence = _at(ls, params.text_document.uri, params.position)
    if occurrence is None:
        return None
    found = analysis.everywhere(occurrence.kind, occurrence.name)
    if not params.context.include_declaration:
        declared = set(analysis.declarations(occurrence.kind, occurrence.name))
        found = [pair for pair in found if pair not in declared]
    return [_location(analysis, path, o) for path, o in found]


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=[".", " ", "{", ",", "[", ":"]),
)
def completion(ls: ObligateServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    path, analysis = _analysis(ls, params.text_document.uri)
    lines = _lines(analysis.texts.get(path, ""))
    line_text = lines[params.position.line] if params.position.line < len(lines) else ""
    before = line_text[: to_column(line_text, params.position.character) - 1]
    items = complete(before, block_kind(lines, params.position.line), analysis.library)
    return lsp.CompletionList(
        is_incomplete=False,
        items=[
            lsp.CompletionItem(
                label=item.label,
                kind=_COMPLETION_KINDS.get(item.kind, lsp.CompletionItemKind.Text),
                detail=item.detail,
                documentation=item.documentation,
            )
            for item in items
        ],
    )


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(
    ls: ObligateServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol]:
    path, analysis = _analysis(ls, params.text_document.uri)
    index = analysis.indexes.get(path)
    text = analysis.texts.get(path, "")
    return [_symbol(text, block) for block in index.blocks] if index else []


def _symbol(text: str, block: Block) -> lsp.DocumentSymbol:
    whole = _range(text, block.line, block.col, block.end_line, block.end_col)
    name_end = block.name_col + len(block.name.rsplit(".", 1)[-1])
    selection = _range(text, block.name_line, block.name_col, block.name_line, name_end)
    return lsp.DocumentSymbol(
        name=block.name if block.keyword != "vocabulary" else "vocabulary",
        detail=block.title or block.keyword,
        kind=_SYMBOL_KINDS.get(block.keyword, lsp.SymbolKind.Object),
        range=whole,
        selection_range=selection,
        children=[_symbol(text, child) for child in block.children] or None,
    )


_REPLACEMENT = re.compile(r"hint: (?:did you mean|jurisdictions are written by code:) `([^`]+)`")


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_actions(ls: ObligateServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """A quick fix for each diagnostic whose hint names the right word: a misspelt name
    (`did you mean`), a country's name for its code."""
    actions = []
    for diagnostic in params.context.diagnostics:
        match = _REPLACEMENT.search(diagnostic.message)
        if match is None or diagnostic.source != NAME:
            continue
        edit = lsp.TextEdit(range=diagnostic.range, new_text=match.group(1))
        actions.append(
            lsp.CodeAction(
                title=f"Replace with `{match.group(1)}`",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=lsp.WorkspaceEdit(changes={params.text_document.uri: [edit]}),
            )
        )
    return actions


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: ObligateServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
    """`obligate fmt` on the open document: one edit replacing the whole text, or none when it
    is already in the layout or does not parse."""
    from obligate.language.format import format_text

    document = ls.workspace.get_text_document(params.text_document.uri)
    text = document.source
    result = format_text(text, uri_to_path(params.text_document.uri))
    if not result.parsed or not result.changed:
        return []
    lines = _lines(text)
    end = lsp.Position(line=len(lines) - 1, character=to_character(lines[-1], len(lines[-1]) + 1))
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=end)
    return [lsp.TextEdit(range=whole, new_text=result.text)]


def serve() -> None:
    """Speak LSP over stdin and stdout until the client says exit."""
    server.start_io()
