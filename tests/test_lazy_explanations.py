"""An answer's entries make their explanation (reasons, terms, standing, questions) when first
read: whatever reads it, and in whatever order, sees what an answer made eagerly shows. The
standing is made on its own (a table of duties reads it and nothing else of the explanation);
the reasons, terms and questions together."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

import pytest

from obligate import RuleBase
from obligate.determination.answer import Determination, DutyOut, Pending
from test_determine import random_queries


def _fresh(rulebase: RuleBase) -> RuleBase:
    return RuleBase(rulebase.compiled)


def _reference(rulebase: RuleBase) -> RuleBase:
    return RuleBase(rulebase.compiled, cache=False, verify=True)


def _entries(answer: Determination) -> list[DutyOut]:
    return [*answer.duties, *answer.conditional, *answer.suspended, *answer.upcoming]


def _pending(entry: DutyOut, name: str = "because") -> bool:
    return type(entry.__dict__[name]) is Pending


def _queries(rulebase: RuleBase) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    found = random_queries(rulebase, 400, seed=5)
    # the same services again on other days and ages: answers of classes met before
    for service, user, date in list(found[:100]):
        day = dt.date.fromisoformat(date) + dt.timedelta(days=1)
        found.append((service, {**user, "age": 30}, day.isoformat()))
    return found


def test_a_new_answer_leaves_its_explanations_to_be_made(rulebase: RuleBase) -> None:
    lazy = _fresh(rulebase)
    answers = [lazy.determine(*q) for q in _queries(rulebase)]
    entries = [e for a in answers for e in _entries(a)]
    assert entries and all(_pending(e) and _pending(e, "standing") for e in entries)


def test_each_explained_field_read_first_gives_the_eager_answer(rulebase: RuleBase) -> None:
    lazy, reference = _fresh(rulebase), _reference(rulebase)
    names = ("because", "terms", "standing", "questions")
    for index, query in enumerate(_queries(rulebase)):
        answer = lazy.determine(*query)
        expected = reference.determine(*query)
        for got, want in zip(_entries(answer), _entries(expected), strict=True):
            name = names[index % len(names)]
            assert getattr(got, name, None) == getattr(want, name, None)
            if hasattr(want, name):  # its group made, the other group still pending
                made, other = (
                    ("standing", "because") if name == "standing" else ("because", "standing")
                )
                assert not _pending(got, made) and _pending(got, other)
        assert answer.to_json() == expected.to_json()


@pytest.mark.parametrize(
    "read",
    [
        lambda a: a.to_json(),
        lambda a: a.model_dump_json(),
        lambda a: a.model_dump(mode="json"),
        lambda a: [e.model_dump() for e in _entries(a)],
        lambda a: [dict(e) for e in _entries(a)],
        lambda a: repr(a),
        lambda a: pickle.loads(pickle.dumps(a)),
        lambda a: copy.deepcopy(a),
        lambda a: [e.model_copy(update={"status": "x"}) for e in _entries(a)],
    ],
    ids=[
        "to_json",
        "dump_json",
        "dump",
        "entry_dump",
        "dict",
        "repr",
        "pickle",
        "deepcopy",
        "copy",
    ],
)
def test_every_way_out_of_an_answer_explains_it_first(rulebase: RuleBase, read: Any) -> None:
    lazy, reference = _fresh(rulebase), _reference(rulebase)
    for query in _queries(rulebase)[:150]:
        answer = lazy.determine(*query)
        seen = read(answer)
        if isinstance(seen, Determination):
            answer = seen  # a copy: it must explain itself as the original would
        assert answer == reference.determine(*query)
        assert answer.to_json() == reference.determine(*query).to_json()


def test_a_copied_entry_keeps_what_it_was_given(rulebase: RuleBase) -> None:
    lazy = _fresh(rulebase)
    for query in _queries(rulebase)[:100]:
        for entry in _entries(lazy.determine(*query)):
            copied = entry.model_copy(update={"because": ["given"]})
            assert copied.because == ["given"]
            assert copied.terms == entry.terms


def test_a_table_of_duties_makes_the_standing_and_leaves_the_reasons(rulebase: RuleBase) -> None:
    from obligate.reports.answer import table

    lazy, reference = _fresh(rulebase), _reference(rulebase)
    for query in _queries(rulebase)[:40]:
        answer = lazy.determine(*query)
        assert table(answer, width=200) == table(reference.determine(*query), width=200)
        duties = [*answer.duties, *answer.suspended]
        assert all(not _pending(d, "standing") and _pending(d) for d in duties)
