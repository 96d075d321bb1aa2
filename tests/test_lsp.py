"""The language server, driven over JSON-RPC on stdio by pygls's client, as an editor would.

Each test starts `python -m obligate.interfaces.lsp` (the same entry point as `obligate lsp`)
on a copy of the example library in tests/fixtures/lsp/rules, opens a document, and checks
one capability's answer.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

FIXTURE = Path(__file__).parent / "fixtures" / "lsp"
WAIT = 60.0  # seconds: a generous bound on a loaded machine; the tests do not time anything


@pytest.fixture
def library(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    return tmp_path


class Session:
    """A client connected to a running server, with the diagnostics it has received."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}
        self.arrived = asyncio.Event()

    def uri(self, name: str) -> str:
        return (self.root / "rules" / name).resolve().as_uri()

    def open(self, name: str, text: str | None = None) -> str:
        uri = self.uri(name)
        body = text if text is not None else (self.root / "rules" / name).read_text()
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id="obligate", version=1, text=body
                )
            )
        )
        return uri

    async def diagnostics_for(self, uri: str) -> list[lsp.Diagnostic]:
        while uri not in self.diagnostics:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), WAIT)
        return self.diagnostics.pop(uri)


def run(root: Path, body: Callable[[Session], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        client = LanguageClient("obligate-tests", "1")
        session = Session(client, root)

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            session.diagnostics[params.uri] = list(params.diagnostics)
            session.arrived.set()

        await client.start_io(sys.executable, "-m", "obligate.interfaces.lsp")
        try:
            await asyncio.wait_for(
                client.initialize_async(
                    lsp.InitializeParams(
                        capabilities=lsp.ClientCapabilities(),
                        root_uri=root.as_uri(),
                        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="lib")],
                    )
                ),
                WAIT,
            )
            client.initialized(lsp.InitializedParams())
            return await body(session)
        finally:
            await asyncio.wait_for(client.shutdown_async(None), WAIT)
            client.exit(None)
            await client.stop()

    return asyncio.run(main())


def position(text: str, needle: str, offset: int = 0) -> lsp.Position:
    """The position of the first ``needle`` in ``text`` (plus ``offset`` characters)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return lsp.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


# ---------------------------------------------------------------- diagnostics


def test_diagnostics_as_you_type_compile_the_document_with_its_library(library: Path) -> None:
    duties = (library / "rules" / "duties.obl").read_text()
    broken = duties.replace("category: safety_by_design", "category: safety_by_desing").replace(
        "applies to: users in XU", "applies to: users in XQ"
    )

    async def body(session: Session) -> tuple[list[lsp.Diagnostic], list[lsp.Diagnostic]]:
        uri = session.open("duties.obl")
        clean = await session.diagnostics_for(uri)
        session.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=broken)],
            )
        )
        return clean, await session.diagnostics_for(uri)

    clean, found = run(library, body)
    assert clean == []
    by_code = {d.code: d for d in found}
    assert set(by_code) == {"E105", "E101"}
    category = by_code["E105"]
    assert category.message.startswith("unknown category `safety_by_desing`")
    assert "did you mean `safety_by_design`?" in category.message
    assert category.severity == lsp.DiagnosticSeverity.Error
    assert category.range.start == position(broken, "safety_by_desing")
    assert category.range.end == position(broken, "safety_by_desing", len("safety_by_desing"))
    # XU is declared in another file of the library: the document is compiled with it.
    assert "unknown jurisdiction `XQ`" in by_code["E101"].message


def test_a_syntax_error_is_reported_at_its_line(library: Path) -> None:
    text = 'instrument X-OTHER "Other" {\n  jurisdiction XU\n}\n'

    async def body(session: Session) -> list[lsp.Diagnostic]:
        return await session.diagnostics_for(session.open("other.obl", text))

    (found,) = run(library, body)
    assert found.code == "E003"
    assert found.range.start.line == 1
    assert "missing `:`" in found.message


# ---------------------------------------------------------------- hover


def test_hover_shows_description_value_by_jurisdiction_and_citation(library: Path) -> None:
    duties = (library / "rules" / "duties.obl").read_text()

    async def body(session: Session) -> list[lsp.Hover | None]:
        uri = session.open("duties.obl")
        spots = [
            position(duties, "digital_consent_age"),  # parameter
            position(duties, "X-28-1"),  # duty
            position(duties, "x_designated"),  # fact
            position(duties, "terms: child", len("terms: ")),  # term
            position(duties, 'X-DATA "Art. 28(1)"'),  # instrument
        ]
        return [
            await session.client.text_document_hover_async(
                lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=spot)
            )
            for spot in spots
        ]

    parameter, duty, fact, term, instrument = run(library, body)
    assert parameter is not None and isinstance(parameter.contents, lsp.MarkupContent)
    table = parameter.contents.value
    assert "| `XU` | 16 |  | X-DATA, Art. 8(1) |" in table
    assert "| `XA` | 13 | 2025-01-01 | X-DATA, Art. 8(1), second subparagraph |" in table
    assert duty is not None and isinstance(duty.contents, lsp.MarkupContent)
    text = duty.contents.value
    assert text.startswith("**obligation X-28-1**: Protect minors on platforms")
    assert "[X-DATA, Art. 28(1)](https://example.org/data-act#art28)" in text
    assert "- **when**: `service is x_platform and user.age < child_age`" in text
    assert "- **applies to**: users in XU" in text
    assert fact is not None and isinstance(fact.contents, lsp.MarkupContent)
    assert fact.contents.value == (
        "**service.x_designated**: boolean\n\nthe regulator has designated the service"
    )
    assert term is not None and isinstance(term.contents, lsp.MarkupContent)
    assert "| `XU` | child | X-DATA, Art. 4(18) | any natural person below the age of 18 years" in (
        term.contents.value
    )
    assert instrument is not None and isinstance(instrument.contents, lsp.MarkupContent)
    assert "**instrument X-DATA**: Example Data Act" in instrument.contents.value
    assert "- **official text**: https://example.org/data-act" in instrument.contents.value


# ---------------------------------------------------------------- definition and references


def test_go_to_definition_of_jurisdictions_instruments_definitions_terms_duties(
    library: Path,
) -> None:
    duties = (library / "rules" / "duties.obl").read_text()
    places = (library / "rules" / "places.obl").read_text()

    async def body(session: Session) -> list[Any]:
        uri = session.open("duties.obl")
        spots = [
            position(duties, "users in XU", len("users in ")),
            position(duties, 'X-DATA "Art. 28(1)"'),
            position(duties, "is x_platform", len("is ")),
            position(duties, "terms: child", len("terms: ")),
            position(duties, "overrides: X-28-1", len("overrides: ")),
        ]
        return [
            await session.client.text_document_definition_async(
                lsp.DefinitionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri), position=spot
                )
            )
            for spot in spots
        ]

    jurisdiction, instrument, definition, term, duty = run(library, body)
    places_uri = (library / "rules" / "places.obl").resolve().as_uri()
    duties_uri = (library / "rules" / "duties.obl").resolve().as_uri()
    assert [(loc.uri, loc.range.start) for loc in jurisdiction] == [
        (places_uri, position(places, 'XU "Example Union"'))
    ]
    assert [(loc.uri, loc.range.start) for loc in instrument] == [
        (places_uri, position(places, 'X-DATA "Example Data Act"'))
    ]
    assert [(loc.uri, loc.range.start) for loc in definition] == [
        (duties_uri, position(duties, 'x_platform "online platform'))
    ]
    assert [(loc.uri, loc.range.start) for loc in duty] == [
        (duties_uri, position(duties, 'X-28-1 "Protect'))
    ]
    # A term goes to its declaration in the shared vocabulary and to each law's definition.
    assert [loc.uri for loc in term][-1] == places_uri
    assert term[-1].range.start == position(places, 'child "child"')
    assert term[0].uri.endswith("/obligate/language/prelude.obl")


def test_find_references_across_the_library(library: Path) -> None:
    places = (library / "rules" / "places.obl").read_text()
    duties = (library / "rules" / "duties.obl").read_text()

    async def body(session: Session) -> Any:
        uri = session.open("places.obl")
        return await session.client.text_document_references_async(
            lsp.ReferenceParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=position(places, 'X-DATA "Example Data Act"'),
                context=lsp.ReferenceContext(include_declaration=False),
            )
        )

    found = run(library, body)
    shown = sorted((Path(loc.uri).name, loc.range.start.line) for loc in found)
    expected_places = [
        places.count("\n", 0, i)
        for i in range(len(places))
        if places.startswith("X-DATA", i) and not places.startswith('X-DATA "Example', i)
    ]
    expected_duties = [
        duties.count("\n", 0, i) for i in range(len(duties)) if duties.startswith("X-DATA", i)
    ]
    assert shown == sorted(
        [("duties.obl", line) for line in expected_duties]
        + [("places.obl", line) for line in expected_places]
    )
    assert len(shown) == 6


# ---------------------------------------------------------------- completion


def test_completion_of_facts_features_categories_and_jurisdictions(library: Path) -> None:
    draft = (
        'obligation X-NEW "A new duty" {\n'
        "  category: \n"
        "  applies to: users in \n"
        "  when: service has \n"
        "  unless: service.\n"
        "}\n"
    )

    async def body(session: Session) -> list[list[str]]:
        uri = session.open("new.obl", draft)
        spots = [
            position(draft, "category: ", len("category: ")),
            position(draft, "users in ", len("users in ")),
            position(draft, "service has ", len("service has ")),
            position(draft, "service.\n", len("service.")),
        ]
        answers = []
        for spot in spots:
            answer = await session.client.text_document_completion_async(
                lsp.CompletionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri), position=spot
                )
            )
            assert isinstance(answer, lsp.CompletionList)
            answers.append([item.label for item in answer.items])
        return answers

    categories, jurisdictions, features, facts = run(library, body)
    assert "safety_by_design" in categories and "age_assurance" in categories
    assert jurisdictions == ["XA", "XU"]
    assert "x_voice_chat" in features and "direct_messaging" in features
    assert "x_designated" in facts and "directed_at_children" in facts
    assert "types" in facts


# ---------------------------------------------------------------- document symbols


def test_document_symbols_outline_the_blocks(library: Path) -> None:
    async def body(session: Session) -> Any:
        uri = session.open("places.obl")
        return await session.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )

    symbols = run(library, body)
    outline = [(s.name, s.detail, s.kind, [c.name for c in s.children or []]) for s in symbols]
    assert outline == [
        ("XU", "Example Union", lsp.SymbolKind.Namespace, ["child_age", "digital_consent_age"]),
        ("XA", "Example State A", lsp.SymbolKind.Namespace, ["digital_consent_age"]),
        ("X-DATA", "Example Data Act", lsp.SymbolKind.Module, []),
        (
            "vocabulary",
            "vocabulary",
            lsp.SymbolKind.Package,
            ["x_voice_chat", "service.x_designated"],
        ),
        ("child", "child", lsp.SymbolKind.String, []),
    ]
    assert symbols[0].range.start == lsp.Position(line=2, character=0)
    assert symbols[0].range.end == lsp.Position(line=5, character=1)


def test_a_document_being_typed_still_answers_in_its_intact_blocks(library: Path) -> None:
    duties = (library / "rules" / "duties.obl").read_text()
    typing = duties + '\nobligation X-9 "Half written" {\n  category: \n  when: service.\n'

    async def body(session: Session) -> tuple[list[lsp.Diagnostic], Any, Any]:
        uri = session.open("duties.obl", typing)
        found = await session.diagnostics_for(uri)
        hover = await session.client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=position(typing, "X-28-1"),
            )
        )
        symbols = await session.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        return found, hover, symbols

    found, hover, symbols = run(library, body)
    (problem,) = found  # the half-written block, and nothing about the intact ones
    assert problem.range.start.line > typing.count("\n", 0, typing.index('X-9 "Half'))
    assert hover is not None and "Protect minors on platforms" in hover.contents.value
    assert [s.name for s in symbols] == ["x_platform", "X-28-1", "X-8"]


# ---------------------------------------------------------------- formatting


def test_formatting_gives_the_layout_of_obligate_fmt(library: Path) -> None:
    messy = 'jurisdiction XZ "Z" {\n      child_age : 18   # kept\n}\njurisdiction XY "Y" {}\n'

    async def body(session: Session) -> Any:
        uri = session.open("messy.obl", messy)
        edits = await session.client.text_document_formatting_async(
            lsp.DocumentFormattingParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
        tidy = edits[0].new_text
        session.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=tidy)],
            )
        )
        again = await session.client.text_document_formatting_async(
            lsp.DocumentFormattingParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
        return edits, again

    edits, again = run(library, body)
    (edit,) = edits
    assert edit.new_text == (
        'jurisdiction XZ "Z" {\n  child_age: 18 # kept\n}\n\njurisdiction XY "Y" {}\n'
    )
    assert edit.range.start == lsp.Position(line=0, character=0)
    assert edit.range.end == lsp.Position(line=4, character=0)
    assert not again  # already in the layout: no edit


def test_quick_fixes_apply_the_hints(library: Path) -> None:
    duties = (library / "rules" / "duties.obl").read_text()
    broken = duties.replace("category: safety_by_design", "category: safety_by_desing")

    async def body(session: Session) -> Any:
        uri = session.open("duties.obl", broken)
        found = await session.diagnostics_for(uri)
        return await session.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=found[0].range,
                context=lsp.CodeActionContext(diagnostics=found),
            )
        )

    (action,) = run(library, body)
    assert action.title == "Replace with `safety_by_design`"
    assert action.kind == lsp.CodeActionKind.QuickFix
    (edit,) = next(iter(action.edit.changes.values()))
    assert edit.new_text == "safety_by_design"
    assert edit.range.start == position(broken, "safety_by_desing")
