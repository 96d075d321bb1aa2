"""`obligate fmt`: the canonical layout of a rule file.

The layout is computed from the lossless token tree (``tokens.parse_full``), so every token
and every comment of the input is in the output in the same order, and the text of strings,
notes and comments is copied byte for byte; only the whitespace between tokens changes:

- a block's header is one line ending in ``{``; each field (a vocabulary entry, a court
  event) starts its own line, indented two spaces per level; ``}`` closes on its own line;
- top-level blocks are separated by exactly one blank line; elsewhere at most one blank line
  is kept, and none right after ``{`` or right before ``}``;
- tokens on a line are separated by one space, with none before ``:`` ``,`` ``.`` ``)`` ``]``
  ``}`` ``[`` and none after ``.`` ``(`` ``[`` ``{`` (so ``in {DE, FR}``, ``user.age < 16``);
- a field the author broke over several lines keeps its breaks; the continuation lines are
  indented one level deeper than the field;
- a block written on one line with at most one field (``jurisdiction US-AL "Alabama" {
  part_of: US }``) stays on one line, and rows of such blocks stay together;
- a comment on its own line takes the indentation of the line it precedes; a comment after
  code stays at the end of that line, after one space.

A file with a syntax error is left as it is, and its diagnostics are returned. The result is
checked before it is returned: its tokens must equal the input's, or the input is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree

from obligate.language.diagnostics import Diagnostic, Diagnostics, Severity, Span
from obligate.language.syntax import parse
from obligate.language.tokens import FullTree, leaves, parse_full, tokens_with_comments

INDENT = "  "
_NO_SPACE_BEFORE = frozenset({":", ",", ".", ")", "]", "}", "["})
_NO_SPACE_AFTER = frozenset({".", "(", "[", "{"})


@dataclass(frozen=True)
class Formatted:
    """The outcome for one file: the text to write, and why it may be unchanged."""

    original: str
    text: str
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def parsed(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def format_text(text: str, path: str = "<text>") -> Formatted:
    """The canonical layout of one rule file's text (already decoded, newlines ``\\n``)."""
    diagnostics = Diagnostics()
    parse(path, text, diagnostics)
    if diagnostics.has_errors:
        return Formatted(text, text, tuple(diagnostics.sorted()))
    full = parse_full(text)
    if not full.tree.children:
        return Formatted(text, text)  # only comments: nothing to lay out
    laid_out = _Layout(text, full).render()
    if _signature(parse_full(laid_out)) != _signature(full):
        # Never hand back a text that reads differently from the input.
        where = Span(path, 1, 1)
        problem = Diagnostic(
            "E099", "the formatter could not lay this file out safely", where, None
        )
        return Formatted(text, text, (problem,))
    return Formatted(text, laid_out)


def _signature(full: FullTree) -> list[tuple[str, str]]:
    return [(token.type, str(token)) for token in tokens_with_comments(full)]


# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class _Line:
    """A token that starts a line of the layout, at an indentation depth."""

    depth: int
    kind: str  # "item" (a top-level block), "field", "close" (a block's `}`)
    compact: bool = False  # an item written on one line


@dataclass
class _Structure:
    starts: dict[int, _Line] = field(default_factory=dict)  # by start position
    header: set[int] = field(default_factory=set)  # header tokens: their breaks are not kept
    opens: set[int] = field(default_factory=set)  # `{` that open a block
    padded: set[int] = field(default_factory=set)  # tokens after one space, whatever precedes
    top_closes: dict[int, bool] = field(default_factory=dict)  # a top-level `}`: compact?


def _first_leaf(node: Tree[Token] | Token) -> Token:
    if isinstance(node, Token):
        return node
    return next(leaves(node))


def _is_block(node: Tree[Token] | Token) -> bool:
    return isinstance(node, Tree) and node.data == "court"


def _structure(full: FullTree) -> _Structure:
    comments = [token.start_pos or 0 for token in full.comments]
    layout = _Structure()
    for item in full.tree.children:
        assert isinstance(item, Tree)
        compact = _compact(item, comments)
        _block(item, 0, layout, comments)
        layout.starts[_first_leaf(item).start_pos or 0] = _Line(0, "item", compact)
        layout.top_closes[_first_leaf(item.children[-1]).start_pos or 0] = compact
    return layout


def _compact(node: Tree[Token], comments: list[int]) -> bool:
    """A block the author wrote on one line, with at most one field and no comment, such as
    ``jurisdiction US-AL "Alabama" { part_of: US }``: it stays on one line, so that tables of
    small blocks stay tables."""
    start, end = node.meta.start_pos, node.meta.end_pos
    fields = node.children[_brace(node) + 1 : -1]
    return (
        node.meta.line == node.meta.end_line
        and len(fields) <= 1
        and not any(_is_block(kid) for kid in fields)
        and not any(start <= position < end for position in comments)
    )


def _brace(node: Tree[Token]) -> int:
    return next(i for i, kid in enumerate(node.children) if isinstance(kid, Token) and kid == "{")


def _block(node: Tree[Token] | Token, depth: int, layout: _Structure, comments: list[int]) -> None:
    assert isinstance(node, Tree)
    kids = node.children
    brace = _brace(node)
    layout.starts[_first_leaf(node).start_pos or 0] = _Line(depth, "field")
    for kid in kids[1 : brace + 1]:
        layout.header.update(token.start_pos or 0 for token in _tokens(kid))
    if _compact(node, comments):
        for kid in kids[brace + 1 :]:
            if len(kids) > brace + 2:  # `{ field }`, but `{}`
                layout.padded.add(_first_leaf(kid).start_pos or 0)
        return
    layout.opens.add(_first_leaf(kids[brace]).start_pos or 0)
    for kid in kids[brace + 1 : -1]:
        if _is_block(kid):
            _block(kid, depth + 1, layout, comments)
        else:
            layout.starts[_first_leaf(kid).start_pos or 0] = _Line(depth + 1, "field")
    layout.starts[_first_leaf(kids[-1]).start_pos or 0] = _Line(depth, "close")


def _tokens(node: Tree[Token] | Token) -> list[Token]:
    return [node] if isinstance(node, Token) else list(leaves(node))


# ---------------------------------------------------------------- layout


@dataclass
class _Layout:
    source: str
    full: FullTree
    out: list[str] = field(default_factory=list)
    depth: int = 0  # depth of the current line's field: its continuations go one deeper
    after_open: bool = False  # the last line ended with a block's `{`
    after_top: bool | None = None  # the last token closed a top-level block: was it compact?
    after_comment: bool = False

    def render(self) -> str:
        layout = _structure(self.full)
        tokens = tokens_with_comments(self.full)
        previous_end: int | None = None
        for index, token in enumerate(tokens):
            gap = self.source[previous_end or 0 : token.start_pos or 0]
            breaks = gap.count("\n") if previous_end is not None else 0
            if token.type == "COMMENT":
                following = next((t for t in tokens[index + 1 :] if t.type != "COMMENT"), None)
                self._comment(token, breaks, previous_end is None, following, layout)
            else:
                self._code(token, breaks, layout)
            previous_end = token.end_pos
        return "".join(self.out).rstrip("\n") + "\n"

    def _comment(
        self, token: Token, breaks: int, first: bool, following: Token | None, layout: _Structure
    ) -> None:
        """A comment on its own line takes the indentation of the line it precedes; one
        after code stays on that line."""
        if first or breaks > 0:
            blank = (breaks >= 2 and not self.after_open) or self.after_top is not None
            self._newline(self._comment_indent(following, layout), blank)
        else:
            self.out.append(" ")
        self.out.append(str(token))
        self.after_comment, self.after_top, self.after_open = True, None, False

    def _comment_indent(self, following: Token | None, layout: _Structure) -> str:
        if following is None:
            return ""
        line = layout.starts.get(following.start_pos or 0)
        if line is None:
            return INDENT * (self.depth + 1)  # inside a field broken over lines
        return INDENT * (line.depth + 1 if line.kind == "close" else line.depth)

    def _code(self, token: Token, breaks: int, layout: _Structure) -> None:
        position = token.start_pos or 0
        line = layout.starts.get(position)
        if line is not None:
            self._newline(INDENT * line.depth, self._blank(line, breaks))
            self.depth = line.depth
        elif self.after_comment or (breaks > 0 and position not in layout.header):
            self._newline(INDENT * (self.depth + 1), blank=False)
        elif position in layout.padded or (self.out and self._spaced(token)):
            self.out.append(" ")
        self.out.append(str(token))
        self.after_open = position in layout.opens
        self.after_top = layout.top_closes.get(position)
        self.after_comment = False

    def _blank(self, line: _Line, breaks: int) -> bool:
        """Whether a blank line goes before a line that starts a field or a block."""
        if not self.out or line.kind == "close":
            return False
        if line.kind == "item":
            if self.after_top is None:  # after a comment
                return breaks >= 2
            # Tables of one-line blocks keep their rows together; other blocks stand apart.
            return not (line.compact and self.after_top) or breaks >= 2
        return breaks >= 2 and not self.after_open

    def _spaced(self, token: Token) -> bool:
        previous = self.out[-1]
        return str(token) not in _NO_SPACE_BEFORE and previous not in _NO_SPACE_AFTER

    def _newline(self, indent: str, blank: bool) -> None:
        if self.out:
            self.out.append("\n\n" if blank else "\n")
        self.out.append(indent)
