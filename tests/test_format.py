"""`obligate fmt`'s layout: idempotent, never loses a token or a comment, leaves a file that
does not parse as it is; on every shipped rule file and every golden diagnostics file."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate.language.format import format_text
from obligate.language.tokens import parse_full, tokens_with_comments

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "rules").rglob("*.obl"))
GOLDEN = sorted((ROOT / "tests" / "diagnostics").rglob("*.obl"))


def _read(path: Path) -> str | None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # binary_junk and the like: the compiler refuses them before parsing
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _comments(text: str) -> list[str]:
    return [str(t) for t in tokens_with_comments(parse_full(text)) if t.type == "COMMENT"]


@pytest.mark.parametrize("path", SHIPPED + GOLDEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip(path: Path) -> None:
    text = _read(path)
    if text is None:
        pytest.skip("not UTF-8 text")
    result = format_text(text, str(path))
    if not result.parsed:
        assert result.text == text  # a file that does not parse is left alone
        assert result.diagnostics
        return
    assert format_text(result.text).text == result.text  # idempotent
    before = tokens_with_comments(parse_full(text))
    after = tokens_with_comments(parse_full(result.text))
    assert [(t.type, str(t)) for t in after] == [(t.type, str(t)) for t in before]
    assert _comments(result.text) == _comments(text)
    assert not any(line != line.rstrip() for line in result.text.split("\n"))


def test_the_library_and_the_goldens_are_all_read() -> None:
    assert len(SHIPPED) > 50 and len(GOLDEN) > 50


LAYOUTS = [
    pytest.param(
        'obligation   X-1 "T"{category:age_assurance\n cites : X "s. 1"   when:user.age<16}',
        'obligation X-1 "T" {\n  category: age_assurance\n  cites: X "s. 1"\n'
        "  when: user.age < 16\n}\n",
        id="fields on their own lines, one space between tokens",
    ),
    pytest.param(
        'obligation X-1 "T" {\n  when: service.types in { a ,b }'
        " and service.monthly_active_users [ EU ] >= 45_000_000\n}\n",
        'obligation X-1 "T" {\n  when: service.types in {a, b}'
        " and service.monthly_active_users[EU] >= 45_000_000\n}\n",
        id="sets, keys and lists",
    ),
    pytest.param(
        'obligation X-1 "T" {\n  when: service is a\n          and not (service has b)\n}\n',
        'obligation X-1 "T" {\n  when: service is a\n    and not (service has b)\n}\n',
        id="continuation lines keep their breaks, one level deeper",
    ),
    pytest.param(
        '\n\n# head\n\n\n\njurisdiction XA "A" {\n\n\n  child_age: 18\n\n}\n'
        'jurisdiction XB "B" {\n      # about the edge\n  member_of: XA   # trailing\n}\n\n\n',
        '# head\n\njurisdiction XA "A" {\n  child_age: 18\n}\n\n'
        'jurisdiction XB "B" {\n  # about the edge\n  member_of: XA # trailing\n}\n',
        id="blank lines, comments",
    ),
    pytest.param(
        'jurisdiction US-AL "Alabama" {   part_of: US }\n'
        'jurisdiction US-AK "Alaska" { part_of: US }\n'
        'jurisdiction XX "None" { }\n',
        'jurisdiction US-AL "Alabama" { part_of: US }\n'
        'jurisdiction US-AK "Alaska" { part_of: US }\n'
        'jurisdiction XX "None" {}\n',
        id="one-line blocks stay one line, rows stay together",
    ),
    pytest.param(
        'instrument X "X" {\n  jurisdiction: XA\n     court {\n'
        '2025-06-20 : enjoined in "A v. B" protecting NetChoice,CCIA\n  }\n}\n',
        'instrument X "X" {\n  jurisdiction: XA\n  court {\n'
        '    2025-06-20: enjoined in "A v. B" protecting NetChoice, CCIA\n  }\n}\n',
        id="court events one level deeper",
    ),
    pytest.param(
        'obligation X-1 "T" {\n    note: """first line\n       kept   as written"""\n}\n',
        'obligation X-1 "T" {\n  note: """first line\n       kept   as written"""\n}\n',
        id="notes byte for byte",
    ),
]


@pytest.mark.parametrize(("source", "expected"), LAYOUTS)
def test_layout(source: str, expected: str) -> None:
    assert format_text(source).text == expected
    assert format_text(expected).text == expected


def test_a_file_that_does_not_parse_is_left_alone_with_its_diagnostics() -> None:
    source = 'obligation X-1 "T" {\n  category age_assurance\n}\n'
    result = format_text(source, "x.obl")
    assert result.text == source and not result.changed
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("E003", 2)]
