"""Determination: the duties that apply to a query, with reasons, sources and open questions.

durable-rules decides which conditions hold on the known facts (engine.py); the three-valued
evaluator explains them and finds the conditions that turn on facts the query left out;
time, legal status, territorial reach and overrides are read here.

Speed comes from answer classes. Most of an answer does not depend on the exact query: two
users of one service in one place, whose ages compare alike with every age the rules name,
on two dates between which none of the duties in question changes, get the same duties for
the same reasons. So an answer is built in four steps, each remembered:

    place   the service's facts and the user's location (reach, flags for the engine)
            (place.py)
    period  + the parameters in force on the date (they change on few dates) (period.py)
    class   + the user's age band: durable-rules fires, the candidates are explained
            (classes.py)
    view    + where the date falls among the dates the candidates change on, and the
            horizon: the answer itself, with marks where the query's age and date go
            (view.py, sections.py)

and a query of a class seen before only fills the marks in (``View.render``). An answer's
entries are assembled from each duty's fixed fields, and their explanations (reasons, terms,
standing, open questions) are made only when first read (``answer.Pending``, entries.py): a
duty the engine fired is not even evaluated until then. Batch needs
only the ids in each section: ``summary`` stops at the class and the date's sections
(sections.py) and renders nothing. Without the cache (``cache=False``) the same steps
run from scratch with the real age and date written in, and every duty in reach is offered
to the evaluator: tests check the two agree byte for byte.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from obligate.determination import answer as out
from obligate.determination.caches import ANSWER_CACHE_SIZE, Memory, bounded
from obligate.determination.catalogue import Catalogue
from obligate.determination.classes import Class, Classes
from obligate.determination.explain import explain, why_not
from obligate.determination.period import Period, Periods, band, horizon_end
from obligate.determination.place import Place, Places
from obligate.determination.query import Query
from obligate.determination.sections import Summary, summarise
from obligate.determination.terms import TermIndex
from obligate.determination.view import View, Views, echo
from obligate.determination.wording import in_words
from obligate.engine.evaluate import Evaluator, Facts
from obligate.engine.wording import Wording
from obligate.graph.jurisdictions import JurisdictionGraph
from obligate.language.compiler import Compiled
from obligate.memory import collector_paused

DEFAULT_HORIZON_DAYS = 365


class Determiner:
    """Answers queries: composes the steps (place, period, class, view) and their caches."""

    def __init__(
        self,
        compiled: Compiled,
        cache: bool = True,
        verify: bool = False,
        libraries: Sequence[out.LibraryOut] = (),
    ) -> None:
        # Building allocates a few hundred thousand objects that all live as long as the
        # rule base; the cyclic collector would scan the whole heap again and again while
        # they are made and free nothing (a third of the build of 10,000 duties).
        with collector_paused():
            self._build(compiled, cache, verify, list(libraries))

    def _build(
        self, compiled: Compiled, cache: bool, verify: bool, libraries: list[out.LibraryOut]
    ) -> None:
        self.cache = cache
        self.verify = verify
        self.memory = Memory()
        self._answers = bounded(ANSWER_CACHE_SIZE)
        catalogue = Catalogue(compiled)
        self.catalogue = catalogue
        self.library = catalogue.library
        self.version = catalogue.version
        self.duties = catalogue.duties
        self.plan = catalogue.plan
        self.engine = catalogue.engine
        self.graph = JurisdictionGraph(self.library.jurisdictions.values())
        self.evaluator = Evaluator(self.library)
        self.wording = Wording(self.evaluator)
        self.places = Places(self.graph, self.plan, self.memory)
        self.periods = Periods(self.graph, self.places.flags, self.engine, self.memory)
        self.classes = Classes(catalogue, self.evaluator, self.memory, cache, verify)
        rulebase = out.RulebaseOut(
            version=self.version, rules=len(self.duties), libraries=libraries
        )
        self.rulebase = rulebase
        dates = {d: tuple(sorted(found)) for d, found in catalogue.dates.items()}
        self.views = Views(self.graph, TermIndex(self.library, self.graph), rulebase, dates)

    # ------------------------------------------------------------ facts

    def facts(self, query: Query) -> tuple[Facts, tuple[str, ...]]:
        return self.places.facts(query)

    def flatten(self, facts: Facts, reach: Iterable[str]) -> dict[str, Any]:
        """The query as one flat durable-rules fact (only attributes some rule reads)."""
        return self.places.flatten(facts, reach)

    # ------------------------------------------------------------ determine

    def determine(
        self, query: Query, horizon_days: int = DEFAULT_HORIZON_DAYS
    ) -> out.Determination:
        """The answer for one query. Answers are immutable and depend only on the query and
        the rule base, so a query asked before is answered from memory, and a query of an
        answer class met before only has its age and date written into the class's answer."""
        if not self.cache:
            return self._determine(query, horizon_days)
        service_key = query.service.model_dump_json()
        user = query.user
        key = (service_key, user.location, user.age, query.date, horizon_days)
        answer: out.Determination | None = self.memory.find(self._answers, key, self.memory.answers)
        if answer is None:
            place, view = self._view(service_key, query, horizon_days)
            date = query.date.isoformat()
            answer = view.render(echo(place.echo, user.age, user.location, date), user.age, date)
            self.memory.keep(self._answers, key, answer)
        return answer

    def summary(self, query: Query) -> Summary:
        """The ids of the duties in each section of the answer (applies, conditional,
        suspended: each in the answer's order) and the categories of those that apply
        (sorted, each once), without rendering the answer: batch asks this once per answer
        class, and it equals what ``determine`` would say."""
        place = self.places.place(query.service.model_dump_json(), query)
        period = self.periods.period(place, query.date)
        klass = self._class_of(place, period, query.user.age)
        slot = bisect_right(klass.dates, query.date)
        found: Summary | None = self.memory.find(klass.summaries, slot)
        if found is None:
            found = summarise(place, klass, query.date)
            self.memory.keep(klass.summaries, slot, found)
        return found

    def answer_class(
        self, query: Query, horizon_days: int = DEFAULT_HORIZON_DAYS
    ) -> tuple[Any, ...]:
        """The key of the query's answer class: two queries with equal keys get the same
        answer but for the age and the date written into it. (Working it out runs the
        rules for the class, as answering would.)"""
        service_key = query.service.model_dump_json()
        place = self.places.place(service_key, query)
        period = self.periods.period(place, query.date)
        klass = self._class_of(place, period, query.user.age)
        end = horizon_end(query.date, horizon_days)
        return (
            service_key,
            place.location,
            bisect_right(place.parameter_dates, query.date),
            band(period.thresholds, query.user.age),
            bisect_right(klass.dates, query.date),
            bisect_right(klass.dates, end),
        )

    def age_thresholds(self, query: Query) -> tuple[float, ...]:
        """Every value the rules compare the user's age with, for this query's service,
        place and date: ages that fall alike between them share an answer class."""
        place = self.places.place(query.service.model_dump_json(), query)
        return self.periods.period(place, query.date).thresholds

    def forget(self) -> None:
        """Empty every cache (benchmarks measure unseen answer classes after this)."""
        with self.memory.lock:
            self._answers = bounded(ANSWER_CACHE_SIZE)
            self.places.forget()
        self.memory.reset()
        self.periods.forget()
        self.views.forget()
        self.engine.forget()

    def _view(self, service_key: str, query: Query, horizon_days: int) -> tuple[Place, View]:
        place = self.places.place(service_key, query)
        period = self.periods.period(place, query.date)
        klass = self._class_of(place, period, query.user.age)
        end = horizon_end(query.date, horizon_days)
        slot = (bisect_right(klass.dates, query.date), bisect_right(klass.dates, end))
        view: View | None = self.memory.find(klass.views, slot)
        if view is None:
            view = self.views.build(place, period, klass, query.date, end, marks=True)
            self.memory.keep(klass.views, slot, view)
            self._spend(len(view.duties) + len(view.conditional) + len(view.upcoming))
        return place, view

    def _class_of(self, place: Place, period: Period, age: int | None) -> Class:
        klass, new = self.classes.class_of(place, period, age)
        if new:
            self._spend(len(klass.candidates))
        return klass

    def _spend(self, held: float) -> None:
        """Count duties held by the class cache; past the budget, empty it."""
        if self.memory.spend(held):
            with self.memory.lock:
                self.places.clear()

    def _determine(self, query: Query, horizon_days: int) -> out.Determination:
        """The answer from scratch, the age and date written straight into the reasons."""
        place = self.places.new_place(query)
        period = self.periods.new_period(place, query.date)
        klass = self.classes.build(place, period, query.user.age, marks=False)
        end = horizon_end(query.date, horizon_days)
        view = self.views.build(place, period, klass, query.date, end, marks=False)
        answer = view.render(query.to_json(), None, "")
        answer.explain_now()  # the reference: every entry explained now
        return answer

    # ------------------------------------------------------------ explain

    def explain(self, duty_id: str, query: Query) -> out.Explanation:
        """Why a duty applies or not: the reasons, and the same told in words."""
        found = explain(duty_id, self.determine(query))
        facts, reach = self.facts(query)
        if found is None:
            reasons = why_not(self.duties[duty_id], query, facts, reach, self.evaluator)
            found = out.Explanation(id=duty_id, outcome="does_not_apply", reasons=reasons)
        return in_words(found, self.duties[duty_id], query, facts, self.wording)
