"""`obligate explain-rule`: each duty of a small library read as one plain-language sentence
(who must do what, for whom, where, from when, unless what), compared with goldens.

Regenerate with `pytest tests/test_explain_rule.py --update-goldens` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obligate import load
from obligate.reports.rule_sentence import explain_rule

LIBRARY = Path(__file__).parent / "fixtures" / "explain"
GOLDEN = Path(__file__).parent / "golden" / "explain_rule"
DUTIES = ["X-28-1", "X-28-2", "X-KIDS-3", "X-REPORT", "X-DETECT"]


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load(str(LIBRARY), use_cache=False).compiled.library


@pytest.mark.parametrize("duty", DUTIES)
def test_sentence_matches_golden(duty: str, library, update_goldens: bool) -> None:  # type: ignore[no-untyped-def]
    text = explain_rule(library, duty) + "\n"
    expected = GOLDEN / f"{duty}.txt"
    if update_goldens or not expected.exists():
        expected.write_text(text)
    assert text == expected.read_text()


def test_every_part_of_the_sentence(library) -> None:  # type: ignore[no-untyped-def]
    text = explain_rule(library, "X-KIDS-3")
    assert text.startswith(
        "A service that is a service whose main purpose is social interaction between users "
        "(social_media) or a service whose main purpose is sharing user videos (video_sharing) "
    )
    assert "must not let a child under the consent age open an account" in text
    assert "for users aged at least 13 and younger than the digital consent age" in text
    # Only the values in force where the duty reaches: XA and the union above it, not XB.
    assert "digital consent age (13 in XA from 2025-01-01; 16 in XU)" in text
    assert "for users located in Example State A (XA) or when the service is established in" in text
    assert "from 2025-07-01 until the day before 2030-01-01" in text
    assert "unless either the service or a part of it is directed at children or" in text
    assert "Court: 2025-06-20, enjoined in NetChoice v. Example" in text


def test_an_unknown_duty_is_a_key_error(library) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError):
        explain_rule(library, "X-NOPE")
