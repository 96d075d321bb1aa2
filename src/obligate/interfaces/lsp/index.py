"""Every name a rule file declares or uses, with its position and what it names.

The language server answers hover, go to definition, find references and completion from
this index. It is read from the lossless token tree of each block that parses
(``tokens.parse_pieces``), so a file being typed still indexes its intact blocks. Which
kind of thing a name is follows from where it stands in the grammar: the `NAME` of
``users in NAME`` is a jurisdiction, of ``cites: NAME`` an instrument, and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lark import Token, Tree

from obligate.language.tokens import Piece, leaves, parse_pieces

# What a name can be. "type_or_definition" (`service is X`) and "value:<fact>" (the names
# of `service.types in {...}`) are settled against the library once every file is read.
KINDS = (
    "jurisdiction",
    "instrument",
    "type",
    "feature",
    "fact",
    "parameter",
    "category",
    "term",
    "attribute",
    "definition",
    "duty",
    "absence",
)

DECLARATION = "declaration"
REFERENCE = "reference"
LAW_DEFINITION = "law-definition"  # a `term` block: one law's definition of a term


@dataclass(frozen=True)
class Occurrence:
    kind: str
    name: str  # a fact is named `service.age`
    line: int  # 1-based, in the file
    col: int  # 1-based
    end_col: int  # 1-based, exclusive
    role: str = REFERENCE

    def covers(self, line: int, col: int) -> bool:
        return self.line == line and self.col <= col <= self.end_col


@dataclass(frozen=True)
class Block:
    """A top-level block, for the document outline."""

    keyword: str
    name: str
    title: str
    line: int
    col: int
    end_line: int
    end_col: int
    name_line: int
    name_col: int
    children: tuple[Block, ...] = ()


@dataclass(frozen=True)
class FileIndex:
    occurrences: tuple[Occurrence, ...]
    blocks: tuple[Block, ...]

    def at(self, line: int, col: int) -> Occurrence | None:
        return next((o for o in self.occurrences if o.covers(line, col)), None)


def index_text(text: str) -> FileIndex:
    occurrences: list[Occurrence] = []
    blocks: list[Block] = []
    for piece in parse_pieces(text):
        for item in piece.full.tree.children:
            if isinstance(item, Tree):
                occurrences.extend(_walk(item, piece.line_offset))
                blocks.append(_block(item, piece))
    return FileIndex(tuple(occurrences), tuple(blocks))


# ---------------------------------------------------------------- occurrences

Handler = Callable[[Tree[Token]], Iterator[tuple[str, Token, str]]]


def _names(tree: Tree[Token]) -> list[Token]:
    """The NAME tokens directly under a rule, and under its `name_list`."""
    found: list[Token] = []
    for child in tree.children:
        if isinstance(child, Token) and child.type == "NAME":
            found.append(child)
        elif isinstance(child, Tree) and child.data == "name_list":
            found.extend(t for t in child.children if isinstance(t, Token) and t.type == "NAME")
    return found


def _first(kind: str, role: str = REFERENCE) -> Handler:
    def handler(tree: Tree[Token]) -> Iterator[tuple[str, Token, str]]:
        names = _names(tree)
        if names:
            yield kind, names[0], role

    return handler


def _every(kind: str) -> Handler:
    def handler(tree: Tree[Token]) -> Iterator[tuple[str, Token, str]]:
        for name in _names(tree):
            yield kind, name, REFERENCE

    return handler


def _subject(tree: Tree[Token]) -> str:
    for child in tree.children:
        if isinstance(child, Tree) and child.data == "subject":
            return str(next(leaves(child)))
    return "service"


def _fact_decl(tree: Tree[Token]) -> Iterator[tuple[str, Token, str]]:
    names = _names(tree)
    if names:
        yield "fact", _renamed(names[0], f"{_subject(tree)}.{names[0]}"), DECLARATION


def _fact_ref(tree: Tree[Token]) -> Iterator[tuple[str, Token, str]]:
    names = _names(tree)
    if names:
        yield "fact", _renamed(names[0], f"{_subject(tree)}.{names[0]}"), REFERENCE
    if len(names) > 1:
        yield "jurisdiction", names[1], REFERENCE  # `monthly_active_users[EU]`


def _member(tree: Tree[Token]) -> Iterator[tuple[str, Token, str]]:
    fact = next(
        (child for child in tree.children if isinstance(child, Tree) and child.data == "fact_ref"),
        None,
    )
    if fact is None:
        return
    names = _names(fact)
    path = f"{_subject(fact)}.{names[0]}" if names else ""
    for name in _names(tree):
        yield f"value:{path}", name, REFERENCE


def _renamed(token: Token, name: str) -> Token:
    """The token, carrying another name (a fact's `subject.name`) at the same position."""
    return Token.new_borrow_pos(token.type, name, token)


_HANDLERS: dict[str, Handler] = {
    "jurisdiction": _first("jurisdiction", DECLARATION),
    "instrument": _first("instrument", DECLARATION),
    "definition": _first("definition", DECLARATION),
    "duty": _first("duty", DECLARATION),
    "absence": _first("absence", DECLARATION),
    "term": _first("term", LAW_DEFINITION),
    "enforcement": _first("instrument"),
    "member_of": _every("jurisdiction"),
    "part_of": _every("jurisdiction"),
    "party_to": _every("jurisdiction"),
    "parties": _every("jurisdiction"),
    "parameter_value": _first("parameter"),
    "under": _first("instrument"),
    "jurisdiction_ref": _first("jurisdiction"),
    "type_decl": _first("type", DECLARATION),
    "feature_decl": _first("feature", DECLARATION),
    "parameter_decl": _first("parameter", DECLARATION),
    "category_decl": _first("category", DECLARATION),
    "term_decl": _first("term", DECLARATION),
    "attribute_decl": _first("attribute", DECLARATION),
    "fact_decl": _fact_decl,
    "category": _first("category"),
    "cites": _first("instrument"),
    "users_in": _first("jurisdiction"),
    "established_in": _first("jurisdiction"),
    "overrides": _every("duty"),
    "terms": _every("term"),
    "attribute_value": _first("attribute"),
    "source": _first("instrument"),
    "turnover": _first("jurisdiction"),
    "is_a": _first("type_or_definition"),
    "has_feature": _first("feature"),
    "fact_ref": _fact_ref,
    "member": _member,
    "parameter_ref": _first("parameter"),
}


def _walk(tree: Tree[Token], line_offset: int) -> Iterator[Occurrence]:
    handler = _HANDLERS.get(str(tree.data))
    if handler is not None:
        for kind, token, role in handler(tree):
            yield _occurrence(kind, token, role, line_offset)
    for child in tree.children:
        if isinstance(child, Tree):
            yield from _walk(child, line_offset)


def _occurrence(kind: str, token: Token, role: str, line_offset: int) -> Occurrence:
    col = token.column or 1
    width = (token.end_column or col + 1) - col
    return Occurrence(kind, str(token), (token.line or 1) + line_offset, col, col + width, role)


# ---------------------------------------------------------------- outline


def _block(item: Tree[Token], piece: Piece) -> Block:
    tokens = list(leaves(item))
    keyword = str(tokens[0])
    name_token = next((t for t in tokens[1:3] if t.type == "NAME"), tokens[0])
    title = next((str(t)[1:-1] for t in tokens[1:4] if t.type == "STRING"), "")
    children: tuple[Block, ...] = ()
    if keyword == "vocabulary":
        children = tuple(_entry(entry, piece) for entry in item.children if isinstance(entry, Tree))
    elif keyword == "jurisdiction":
        children = tuple(
            _entry(field, piece)
            for field in item.children
            if isinstance(field, Tree) and field.data == "parameter_value"
        )
    return _outline(keyword, name_token, title, item, piece, children)


def _entry(entry: Tree[Token], piece: Piece) -> Block:
    tokens = list(leaves(entry))
    names = [t for t in tokens if t.type == "NAME"]
    name_token = names[0] if names else tokens[0]
    description = next((str(t).strip('"') for t in tokens if t.type == "STRING"), "")
    keyword = str(entry.data).removesuffix("_decl")
    name = str(name_token)
    if keyword == "fact":
        name = f"{_subject(entry)}.{name}"
    elif keyword == "parameter_value":
        keyword, description = "parameter", " ".join(str(t) for t in tokens[2:4])
    return _outline(
        keyword, Token.new_borrow_pos("NAME", name, name_token), description, entry, piece
    )


def _outline(
    keyword: str,
    name_token: Token,
    title: str,
    tree: Tree[Token],
    piece: Piece,
    children: tuple[Block, ...] = (),
) -> Block:
    offset = piece.line_offset
    return Block(
        keyword=keyword,
        name=str(name_token),
        title=title,
        line=tree.meta.line + offset,
        col=tree.meta.column,
        end_line=tree.meta.end_line + offset,
        end_col=tree.meta.end_column,
        name_line=(name_token.line or 1) + offset,
        name_col=name_token.column or 1,
        children=children,
    )
