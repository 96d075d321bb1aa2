"""An explanation in words: the reasons of ``explain`` told as sentences, with the duty's
citation, rule-file line, note (the law's text or the encoder's reading), standing and, for an
open duty, the questions to answer."""

from __future__ import annotations

from obligate.determination import answer as out
from obligate.determination.catalogue import DutyInfo
from obligate.determination.entries import citation
from obligate.determination.query import Query
from obligate.determination.standing import standing_out
from obligate.engine.evaluate import Facts
from obligate.engine.wording import Wording

_PLACE = ("the user is located", "the service is established", "territorial reach")
_DATES = ("in force on", "not yet in effect", "no longer applies", "displaced by")


def in_words(
    explanation: out.Explanation, info: DutyInfo, query: Query, facts: Facts, wording: Wording
) -> out.Explanation:
    """``explanation`` with ``words``, ``citation``, ``source``, ``note`` and standing."""
    duty = info.duty
    outcome = explanation.outcome
    words = [r for r in explanation.reasons if r.startswith(_PLACE)]
    if outcome == "does_not_apply":
        when = wording.evaluator.evaluate(duty.when, facts).value
        if duty.when is not None and when is False:
            words.append(
                "the condition does not hold: " + "; ".join(wording.words(duty.when, facts))
            )
        if duty.unless is not None and wording.evaluator.evaluate(duty.unless, facts).value:
            words.append("the exception applies: " + "; ".join(wording.words(duty.unless, facts)))
    elif outcome != "displaced":
        words += wording.words(duty.when, facts)
        if (
            duty.unless is not None
            and wording.evaluator.evaluate(duty.unless, facts).value is False
        ):
            words.append(
                "the exception does not apply: " + "; ".join(wording.words(duty.unless, facts))
            )
    words += [r for r in explanation.reasons if r.startswith(_DATES)]
    reading = info.timeline.reading(query.date)
    associations = query.service.associations
    standing = standing_out(info.timeline, reading, query.date, associations)
    if outcome in ("suspended", "conditional") or standing.text != "in force":
        words.append(f"standing: {standing.text}")
    questions = (
        explanation.duty.questions if isinstance(explanation.duty, out.ConditionalOut) else []
    )
    words += [f"open question: {q.question} ({q.accepted})" for q in questions]
    return explanation.model_copy(
        update={
            "words": words,
            "citation": citation(info),
            "source": duty.span.location,
            "note": duty.note,
            "standing": standing,
            "questions": questions,
        }
    )
