"""Explain: why one duty applies to a query, is open, suspended or displaced, or why not."""

from __future__ import annotations

from obligate.determination import answer as out
from obligate.determination.catalogue import DutyInfo
from obligate.determination.query import Query
from obligate.engine.evaluate import NEVER, Evaluator, Facts

_SECTIONS = (("duties", "applies"), ("conditional", "conditional"), ("suspended", "suspended"))


def explain(duty_id: str, determination: out.Determination) -> out.Explanation | None:
    """The duty's place in the answer, with its reasons; None when it is in no section."""
    for key, outcome in _SECTIONS:
        for entry in getattr(determination, key):
            if entry.id == duty_id:
                reasons = list(entry.because)
                if key == "conditional":
                    reasons.append("open: depends on " + ", ".join(entry.depends_on))
                if key == "suspended":
                    reasons.append(entry.why.detail)
                return out.Explanation(
                    id=duty_id,
                    outcome=outcome,  # type: ignore[arg-type]
                    reasons=reasons,
                    duty=entry,
                )
    for displaced in determination.displaced:
        if displaced.id == duty_id:
            return out.Explanation(
                id=duty_id,
                outcome="displaced",
                reasons=[f"displaced by the more specific {displaced.by}"],
            )
    return None


def why_not(
    info: DutyInfo, query: Query, facts: Facts, reach: tuple[str, ...], evaluator: Evaluator
) -> list[str]:
    """Every reason a duty does not apply: reach, condition, exception, dates."""
    reasons: list[str] = []
    users_hooks = [h for h in info.hooks if h.kind == "users_in"]
    reached = [
        h
        for h in info.hooks
        if (h.kind == "users_in" and h.jurisdiction in reach)
        or (
            h.kind == "established_in"
            and facts.established_reach is not None
            and h.jurisdiction in facts.established_reach
        )
    ]
    if not reached:
        places = " or ".join(
            f"users located in {h.jurisdiction}"
            if h in users_hooks
            else f"services established in {h.jurisdiction}"
            for h in info.hooks
        )
        reasons.append(
            f"territorial reach: the duty applies to {places}; the user is in "
            f"{query.user.location} (reached by {', '.join(reach)})"
            + (
                f" and the service is established in {query.service.established_in}"
                if query.service.established_in
                else ""
            )
        )
    when = evaluator.evaluate(info.duty.when, facts)
    if when.value is False:
        reasons.append("the condition does not hold: " + "; ".join(when.failed))
    unless = evaluator.evaluate(info.duty.unless, facts) if info.duty.unless else NEVER
    if unless.value is True:
        reasons.append("the exception applies: " + "; ".join(unless.held))
    reading = info.timeline.reading(query.date)
    if reading.status == "not_yet":
        reasons.append(f"not yet in effect on {query.date}: takes effect on {reading.since}")
    elif reading.status == "ended":
        reasons.append(f"no longer applies on {query.date}: ended on {reading.since}")
    return reasons or ["no reason found"]
