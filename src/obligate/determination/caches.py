"""The determiner's memory: bounded caches, the lock they share, and their counters.

The top level of the answer-class cache (places, locations, establishments) and the cache of
exact answers are first-in first-out caches of fixed size: when one is full, the entry kept
longest is forgotten (a new entry is what the next queries of a batch ask for). The levels
below a place (periods, classes, firings, views, summaries) are plain dictionaries: their
keys are slots among a few dates or age bands, so each stays small, and making a bounded
cache for each new place, period and class cost more than a tenth of an unseen answer; they
go with their place when the budget empties the places. A bounded cache is a dictionary too
(its entries in the order they came, the oldest first), so a lookup in any cache is one
dictionary operation, atomic under the interpreter lock; inserts into a bounded cache go
under one lock, since evicting reads the oldest key, which another thread's insert would
otherwise change under it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

# Exact answers kept (a repeat costs a dictionary lookup; any other query of a class met
# before costs little more, so few need keeping).
ANSWER_CACHE_SIZE = 4_096
# Bound on each level of the answer-class cache (places, periods, classes, views).
CLASS_CACHE_SIZE = 50_000
# Bound on what the class cache holds, in duties explained (a candidate or an answer entry,
# about a kilobyte each); past it the cache starts again empty. A duty that only counts
# towards which duties apply (batch.py) costs a tenth of that.
CACHE_BUDGET = 200_000

# A level below a place: a dictionary, bounded by its few possible keys.
Nested = dict[Any, Any]


class Bounded(dict[Any, Any]):
    """A first-in first-out cache: a dictionary that forgets its oldest entry when full."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size


def bounded(size: int = CLASS_CACHE_SIZE) -> Bounded:
    return Bounded(size)


@dataclass
class Tally:
    """How often a cache had the answer, and how often it had to be worked out."""

    hits: int = 0
    misses: int = 0


class Memory:
    """The lock every cache of one determiner shares, and their counters."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers = Tally()  # the exact answers
        self.classes = Tally()  # every level of the answer-class cache
        self.held = 0.0  # what the class cache holds (CACHE_BUDGET)

    def find(self, cache: Nested, key: Any, tally: Tally | None = None) -> Any:
        """The value kept for ``key``, or None; counted as a hit or a miss (no value kept is
        None; the counts may miss a race between threads, nothing else can)."""
        value = cache.get(key)
        if value is None:
            (tally or self.classes).misses += 1
        else:
            (tally or self.classes).hits += 1
        return value

    def keep(self, cache: Nested, key: Any, value: Any) -> None:
        """Remember a value, forgetting the oldest when a bounded cache is full."""
        if type(cache) is not Bounded:
            cache[key] = value  # a level below a place: nothing to forget
            return
        with self.lock:
            if len(cache) >= cache.size and key not in cache:
                del cache[next(iter(cache))]
            cache[key] = value

    def spend(self, held: float) -> bool:
        """Count duties held by the class cache: True when past the budget (the caller
        empties it), and the count starts again."""
        with self.lock:
            self.held += held
            if self.held <= CACHE_BUDGET:
                return False
            self.held = 0.0
            return True

    def reset(self) -> None:
        with self.lock:
            self.held = 0.0
            self.answers = Tally()
            self.classes = Tally()
