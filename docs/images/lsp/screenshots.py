"""Pictures of the language server's answers for docs/authoring.md.

Starts `obligate lsp` on the shipped library with pygls's client, asks it what an editor asks
(hover, completion, diagnostics), renders each real answer as an editor would show it in a
small HTML page (VS Code's Dark+ colours), and photographs the page with headless Chromium.

    .venv/bin/python docs/images/lsp/screenshots.py      # writes docs/images/lsp/*.png

Needs `chromium` (or CHROMIUM=/path/to/chrome). Not part of the test suite.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
DRAFT = """instrument XX-ACT "Example Act" {
  jurisdiction: Germany
  url: "https://example.org/act"
  effective: 2024-2-1
}

obligation XX-1 "Verify age" {
  category: age_verification
  cites: XX-ACT "s. 1"
  when: service is social_media and user.age < 16
}

obligation XX-2 "Publish a report" {
  category: transparency_reporting
  cites: XX-ACT "s. 2"
  when: service has direct_mesaging
}
"""
COMPLETING = 'obligation XX-3 "Check ages" {\n  category: \n}\n'


async def answers() -> dict[str, Any]:
    client = LanguageClient("screenshots", "1")
    published: dict[str, list[lsp.Diagnostic]] = {}
    arrived = asyncio.Event()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        published[params.uri] = list(params.diagnostics)
        arrived.set()

    await client.start_io(sys.executable, "-m", "obligate.interfaces.lsp")
    await client.initialize_async(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=ROOT.as_uri())
    )
    client.initialized(lsp.InitializedParams())
    gdpr = ROOT / "rules" / "eu" / "gdpr.obl"
    gdpr_text = gdpr.read_text()
    open_document(client, gdpr.as_uri(), gdpr_text)
    line = gdpr_text.split("\n").index("  when: user.age < digital_consent_age")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=gdpr.as_uri()),
            position=lsp.Position(line=line, character=22),
        )
    )
    draft = (ROOT / "rules" / "draft.obl").as_uri()  # never written: the editor's unsaved text
    open_document(client, draft, COMPLETING)
    completion = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=draft),
            position=lsp.Position(line=1, character=12),
        )
    )
    mistakes = (ROOT / "rules" / "mistakes.obl").as_uri()
    open_document(client, mistakes, DRAFT)
    while mistakes not in published:
        arrived.clear()
        await asyncio.wait_for(arrived.wait(), 120)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "hover": (gdpr_text, line, hover),
        "completion": completion,
        "diagnostics": published[mistakes],
    }


def open_document(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="obligate", version=1, text=text
            )
        )
    )


# ---------------------------------------------------------------- pages

STYLE = """
body { margin: 0; background: #1e1e1e; color: #d4d4d4;
       font: 14px/20px 'DejaVu Sans Mono', monospace; }
.code { padding: 12px 16px; white-space: pre; }
.no { color: #858585; display: inline-block; width: 3em; text-align: right; margin-right: 1.5em; }
.popup { position: absolute; background: #252526; border: 1px solid #454545;
         font: 13px/19px 'DejaVu Sans', sans-serif; color: #cccccc; padding: 8px 12px;
         box-shadow: 0 2px 8px rgba(0,0,0,.6); }
.popup code { font-family: 'DejaVu Sans Mono', monospace; color: #d7ba7d; }
.popup a { color: #3794ff; text-decoration: none; }
.popup table { border-collapse: collapse; margin-top: 6px; }
.popup td, .popup th { border: 1px solid #3c3c3c; padding: 1px 8px; text-align: left; }
.popup td:nth-child(-n+3) { white-space: nowrap; }
.item { padding: 1px 8px; white-space: pre; font-family: 'DejaVu Sans Mono', monospace; }
.item.first { background: #04395e; }
.kind { color: #75beff; margin-right: 8px; }
.detail { color: #9d9d9d; margin-left: 16px; font-family: 'DejaVu Sans', sans-serif; }
.squiggle { text-decoration: underline wavy #f14c4c; text-underline-offset: 3px; }
.problem { padding: 2px 16px; font: 13px/19px 'DejaVu Sans', sans-serif; }
.problem .code-id { color: #9d9d9d; }
.panel { border-top: 1px solid #454545; margin-top: 8px; padding-top: 6px; }
.panel h4 { margin: 0 16px 4px; font: bold 11px 'DejaVu Sans', sans-serif; color: #bbbbbb; }
.error { color: #f14c4c; margin-right: 6px; }
"""


def markdown(text: str) -> str:
    """The Markdown the server sends (bold, code, links, lists, tables), as HTML."""
    out: list[str] = []
    rows: list[str] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not all(set(cell) <= {"-"} for cell in cells):
                tag = "th" if not rows else "td"
                rows.append(
                    "<tr>" + "".join(f"<{tag}>{inline(c)}</{tag}>" for c in cells) + "</tr>"
                )
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.startswith("- "):
            out.append(f"<div>&bull; {inline(line[2:])}</div>")
        elif line:
            out.append(f"<div>{inline(line)}</div>")
        else:
            out.append("<div style='height:6px'></div>")
    if rows:
        out.append("<table>" + "".join(rows) + "</table>")
    return "".join(out)


def inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"\[(.+?)\]\((.+?)\)", r'<a href="\2">\1</a>', text)


def code_lines(lines: list[str], first: int, marks: dict[int, list[tuple[int, int]]]) -> str:
    shown = []
    for number, line in enumerate(lines, start=first):
        spans = sorted(marks.get(number, []))
        text, at = "", 0
        for start, end in spans:
            text += html.escape(line[at:start])
            text += f"<span class='squiggle'>{html.escape(line[start:end])}</span>"
            at = end
        text += html.escape(line[at:])
        shown.append(f"<span class='no'>{number + 1}</span>{text}")
    return "<div class='code'>" + "\n".join(shown) + "</div>"


def hover_page(source: str, line: int, hover: lsp.Hover) -> str:
    lines = source.split("\n")[line - 3 : line + 2]
    assert isinstance(hover.contents, lsp.MarkupContent)
    top = 12 + 5 * 20 - 20 + 4
    return (
        f"<style>{STYLE}</style>{code_lines(lines, line - 3, {})}"
        f"<div class='popup' style='left:{16 + 64 + 22 * 8.4:.0f}px;top:{top}px;"
        f"max-width:820px;max-height:560px;overflow:hidden'>{markdown(hover.contents.value)}</div>"
    )


def completion_page(answer: lsp.CompletionList) -> str:
    items = "".join(
        f"<div class='item{' first' if i == 0 else ''}'><span class='kind'>&#9635;</span>"
        f"{html.escape(item.label)}<span class='detail'>{html.escape(item.detail or '')}</span>"
        "</div>"
        for i, item in enumerate(answer.items[:12])
    )
    return (
        f"<style>{STYLE}</style>{code_lines(COMPLETING.split(chr(10))[:3], 0, {})}"
        f"<div class='popup' style='left:{16 + 64 + 12 * 8.4:.0f}px;top:54px;padding:4px 0;"
        f"width:760px'>{items}</div>"
    )


def diagnostics_page(found: list[lsp.Diagnostic]) -> str:
    marks: dict[int, list[tuple[int, int]]] = {}
    for diagnostic in found:
        start, end = diagnostic.range.start, diagnostic.range.end
        marks.setdefault(start.line, []).append((start.character, end.character))
    problems = "".join(
        f"<div class='problem'><span class='error'>&#10005;</span>"
        f"{html.escape(d.message.split(chr(10))[0])} "
        f"<span class='code-id'>obligate({d.code}) [Ln {d.range.start.line + 1}, "
        f"Col {d.range.start.character + 1}]</span>"
        + "".join(
            f"<div style='margin-left:22px;color:#9d9d9d'>{html.escape(extra)}</div>"
            for extra in d.message.split("\n")[1:]
        )
        + "</div>"
        for d in found
    )
    return (
        f"<style>{STYLE}</style>{code_lines(DRAFT.rstrip().split(chr(10)), 0, marks)}"
        f"<div class='panel'><h4>PROBLEMS</h4>{problems}</div>"
    )


def photograph(name: str, page: str, height: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / f"{name}.html"
        source.write_text(f"<!doctype html><meta charset='utf-8'>{page}", encoding="utf-8")
        target = OUT / f"{name}.png"
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--hide-scrollbars",
                f"--window-size=1100,{height}",
                f"--screenshot={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        print(target.relative_to(ROOT))


def main() -> None:
    found = asyncio.run(answers())
    source, line, hover = found["hover"]
    photograph("hover", hover_page(source, line, hover), 700)
    photograph("completion", completion_page(found["completion"]), 330)
    photograph("diagnostics", diagnostics_page(found["diagnostics"]), 580)


if __name__ == "__main__":
    main()
