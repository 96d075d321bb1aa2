"""The Python API: ``load`` a rule library once, then ask it questions cheaply.

>>> import obligate
>>> rules = obligate.load("rules")                                  # doctest: +SKIP
>>> answer = rules.determine({"types": ["social_media"]},          # doctest: +SKIP
...                          {"age": 15, "location": "DE"}, "2026-06-01")
>>> [d.id for d in answer.duties]                                   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from obligate.determination.answer import Determination, Explanation, LibraryOut, RulebaseOut
from obligate.determination.catalogue import derive
from obligate.determination.determine import DEFAULT_HORIZON_DAYS, Determiner
from obligate.determination.query import (
    FieldError,
    Query,
    QueryError,
    Service,
    User,
    build_query,
    check_horizon,
)
from obligate.determination.terms import Glossary, default_markets, glossary, parse_date
from obligate.engine.rules import TooComplex
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.language import model as m
from obligate.language.compiler import Compiled, compile_paths
from obligate.language.diagnostics import Diagnostic, RuleFileError, did_you_mean
from obligate.language.release import Release, expand, releases

if TYPE_CHECKING:
    # imported where asked for: a query needs neither (start-up time)
    from obligate.determination.enforcement import EnforcementOut
    from obligate.determination.freshness import ReviewOut

ServiceLike = Service | Mapping[str, Any] | None
UserLike = User | Mapping[str, Any]


class RuleBase:
    """A compiled rule library: the jurisdiction graph, the duties and the inference rules."""

    def __init__(
        self,
        compiled: Compiled,
        load_seconds: float = 0.0,
        cache: bool = True,
        verify: bool = False,
        releases: Sequence[Release] = (),
    ) -> None:
        self.compiled = compiled
        self.load_seconds = load_seconds
        # each rule folder's release (library.toml): given, or as ``load`` left them
        self.releases = tuple(releases) or compiled.releases
        try:
            libraries = [
                LibraryOut(name=r.name, version=r.version, law_read=r.law_read)
                for r in self.releases
            ]
            self._determiner = Determiner(compiled, cache, verify, libraries)
        except TooComplex as error:  # checks (E416) should have caught it first
            problem = Diagnostic("E416", str(error), error.node.span)
            raise RuleFileError([problem], compiled.sources) from None

    @property
    def version(self) -> str:
        return self.compiled.version

    @property
    def about(self) -> RulebaseOut:
        """What answers name as their rule base: the content hash, the number of duties, the
        engine and contract versions and each rule folder's release."""
        return self._determiner.rulebase

    @property
    def duties(self) -> dict[str, m.Duty]:
        return dict(self.compiled.library.duties)

    @property
    def jurisdictions(self) -> dict[str, m.Jurisdiction]:
        return dict(self.compiled.library.jurisdictions)

    @property
    def absences(self) -> dict[str, m.Absence]:
        """Reviewed gaps: (jurisdiction, category) pairs whose law has no duty."""
        return dict(self.compiled.library.absences)

    @property
    def instruments(self) -> dict[str, m.Instrument]:
        return dict(self.compiled.library.instruments)

    def stale(self, older_than_days: int, today: str | dt.date | None = None) -> list[ReviewOut]:
        """Instruments and court histories last reviewed more than ``older_than_days`` before
        ``today`` (default: the real today), or never reviewed; the oldest first."""
        whole = isinstance(older_than_days, int) and not isinstance(older_than_days, bool)
        if not whole or older_than_days < 0:
            message = "must be a whole number of days, 0 or more"
            problem = FieldError(field="older_than", value=older_than_days, message=message)
            raise QueryError([problem])
        from obligate.determination.freshness import stale

        day = parse_date(today)
        return stale(self.compiled.library.instruments.values(), day, older_than_days)

    @property
    def terms(self) -> dict[str, list[m.Term]]:
        """Each canonical term of the vocabulary with every law's definition of it."""
        found: dict[str, list[m.Term]] = {name: [] for name in self.compiled.library.terms}
        for term in self.compiled.library.term_definitions:
            found.setdefault(term.name, []).append(term)
        return found

    def glossary(
        self,
        terms: Sequence[str] | None = None,
        markets: Sequence[str] | None = None,
        date: dt.date | str | None = None,
    ) -> Glossary:
        """Each term's definition in each market on a date, side by side, with the attributes
        on which the markets differ. Raise ``QueryError`` for an unknown term or market."""
        library = self.compiled.library
        chosen = list(markets) if markets else default_markets(library)
        return glossary(library, self.graph, terms, chosen, parse_date(date))

    def enforcement(self, instrument_id: str) -> EnforcementOut:
        """Who enforces an instrument, and its penalty ceilings."""
        from obligate.determination.enforcement import enforcement_of

        return enforcement_of(self.compiled.library, instrument_id)

    @property
    def graph(self) -> JurisdictionGraph:
        return self._determiner.graph

    @property
    def warnings(self) -> list[Diagnostic]:
        return list(self.compiled.warnings)

    def query(self, service: ServiceLike, user: UserLike, date: dt.date | str) -> Query:
        """Check a query against this library; raise ``QueryError`` naming each bad field."""
        return build_query(service, user, date, self.compiled.library)

    def determine(
        self,
        service: ServiceLike,
        user: UserLike,
        date: dt.date | str,
        horizon_days: int = DEFAULT_HORIZON_DAYS,
    ) -> Determination:
        """Which duties apply to this service, for this user, in this place, on this date."""
        days = check_horizon(horizon_days)  # a string, None or a float is a QueryError too
        return self._determiner.determine(self.query(service, user, date), days)

    def explain(
        self, duty_id: str, service: ServiceLike, user: UserLike, date: dt.date | str
    ) -> Explanation:
        """Why a duty applies to a query, or why not."""
        if duty_id not in self.compiled.library.duties:
            raise QueryError(
                [
                    FieldError(
                        field="duty",
                        value=duty_id,
                        message="unknown duty",
                        hint=did_you_mean(duty_id, self.compiled.library.duties),
                    )
                ]
            )
        return self._determiner.explain(duty_id, self.query(service, user, date))


def load(
    *paths: str | os.PathLike[str], use_cache: bool = True, answer_cache: bool = True
) -> RuleBase:
    """Compile the rule files under ``paths``; raise ``RuleFileError`` listing every problem.

    No paths: the rule library shipped with obligate. ``"@shipped"`` among the paths stands
    for it too, so a folder of one's own can be layered on it: ``load("@shipped", "mine")``.
    ``use_cache`` reads a compiled library back from disk when its files are unchanged;
    ``answer_cache`` remembers answers (both are exact: they never change an answer).
    """
    started = time.perf_counter()
    folders = expand(paths)
    compiled = compile_paths(folders, use_cache=use_cache, derive=derive)
    compiled.releases = releases(folders)
    rulebase = RuleBase(compiled, cache=answer_cache)
    rulebase.load_seconds = time.perf_counter() - started
    return rulebase
