"""Every command of ``obligate``, in the order ``obligate --help`` lists them, with the module
and function that run it and the help its line shows (the first paragraph of the function's
docstring). Nothing here imports a command's module: that happens when the command runs."""

from __future__ import annotations

from obligate.interfaces.cli.lazy import LazyCommand, LazyGroup

COMMANDS = (
    LazyCommand(
        "check",
        "authoring",
        "check",
        "Compile rule files and report every problem: exit 1 on errors, 0 when clean.",
    ),
    LazyCommand(
        "query",
        "querying",
        "query",
        "Which duties apply to this service, for this user, in this place, on this date.",
    ),
    LazyCommand(
        "explain", "querying", "explain", "Why a duty applies to a query, or why it does not."
    ),
    LazyCommand(
        "graph",
        "authoring",
        "graph",
        "The jurisdiction graph (member_of, part_of, party_to) as text or a picture.",
    ),
    LazyCommand(
        "compare",
        "harmonise",
        "compare",
        "Categories × markets: which duties each market's law imposes, side by side.",
    ),
    LazyCommand(
        "baseline",
        "harmonise",
        "baseline",
        "The strictest common reading across markets, its conflicts and divergence.",
    ),
    LazyCommand(
        "checklist",
        "harmonise",
        "checklist",
        "One item per duty to meet by launch, grouped by category, with the year ahead.",
    ),
    LazyCommand(
        "diff",
        "harmonise",
        "diff",
        "Duties added, removed and changed, and the casebook answers that move.",
    ),
    LazyCommand(
        "test",
        "authoring",
        "test_cases",
        "Run casebook cases: pytest-like output and a closing `N passed, N failed` line.",
    ),
    LazyCommand(
        "serve",
        "serving",
        "serve",
        "Serve the HTTP API (/v1/..., /openapi.json) and the web page (/) until interrupted.",
    ),
    LazyCommand(
        "glossary",
        "harmonise",
        "glossary",
        "Each defined term, market by market: the law's words, citation and attributes, and\n"
        "where the markets differ.",
    ),
    LazyCommand(
        "enforcement",
        "harmonise",
        "enforcement",
        "Who enforces each instrument and its penalty ceilings, highest exposure first.",
    ),
    LazyCommand(
        "batch",
        "querying",
        "batch_command",
        "Answer a table of queries: each row gets the ids of the duties that apply, are\n"
        "conditional or suspended, their categories, the rule base's version, and an error "
        "where\nthe row cannot be answered. The target is written whole or not at all.",
    ),
    LazyCommand(
        "stale",
        "review",
        "stale",
        "List instruments and court histories whose `reviewed:` date is older than a "
        "threshold,\nor missing: the law they encode may have moved since.",
    ),
    LazyCommand(
        "fmt",
        "editing",
        "fmt",
        "Lay rule files out canonically (comments and notes kept byte for byte).",
    ),
    LazyCommand(
        "lsp",
        "editing",
        "lsp",
        "Start the language server on stdin and stdout (for an editor's LSP client).",
    ),
    LazyCommand(
        "explain-rule",
        "editing",
        "explain_rule",
        "A duty as one plain-language sentence: who must do what, for whom, where, from "
        "when,\nunless what, and the provision it rests on.",
    ),
    LazyCommand(
        "log",
        "serving",
        "log_app",
        "List and export the decision log (answered determinations).",
    ),
)


class ObligateCommands(LazyGroup):
    registered = COMMANDS
