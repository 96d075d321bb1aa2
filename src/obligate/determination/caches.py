"""The determiner's memory: bounded caches, the lock they share, and their counters.

The top level of the answer-class cache (places, locations, establishments) and the cache of
exact answers are first-in first-out caches of fixed size: when one is full, the entry kept
longest is forgotten (a new entry is what the next queries of a batch ask for). The levels
below a place (periods, classes, firings, views, summaries) are plain dictionaries: their
keys are slots among a few dates or age bands, so each stays small, and making a bounded
cache for each new place, period and class cost more than a tenth of an unseen answer; they
go with their place when the budget empties the places. Lookups and
inserts go under one lock: evicting iterates the cache, which another thread's insert would
otherwise change under it.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from cachetools import FIFOCache

# Exact answers kept (a repeat costs a dictionary lookup; any other query of a class met
# before costs little more, so few need keeping).
ANSWER_CACHE_SIZE = 4_096
# Bound on each level of the answer-class cache (places, periods, classes, views).
CLASS_CACHE_SIZE = 50_000
# Bound on what the class cache holds, in duties explained (a candidate or an answer entry,
# about a kilobyte each); past it the cache starts again empty. A duty that only counts
# towards which duties apply (batch.py) costs a tenth of that.
CACHE_BUDGET = 200_000

Bounded = FIFOCache[Any, Any]
# A level below a place: a dictionary, bounded by its few possible keys.
Nested = dict[Any, Any]
Cache = MutableMapping[Any, Any]


def bounded(size: int = CLASS_CACHE_SIZE) -> Bounded:
    return FIFOCache(maxsize=size)


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

    def find(self, cache: Cache, key: Any, tally: Tally | None = None) -> Any:
        """The value kept for ``key``, or None; counted as a hit or a miss."""
        if type(cache) is dict:
            # A level below a place: one dictionary operation, atomic under the GIL
            # (no value kept is None); the counts may miss a race, nothing else can.
            value = cache.get(key)
            if value is None:
                (tally or self.classes).misses += 1
            else:
                (tally or self.classes).hits += 1
            return value
        # ``in`` before the lookup: a missing key would cost two exceptions in cachetools.
        with self.lock:
            if key not in cache:
                (tally or self.classes).misses += 1
                return None
            (tally or self.classes).hits += 1
            return cache[key]

    def keep(self, cache: Cache, key: Any, value: Any) -> None:
        """Remember a value, forgetting the oldest when the cache is full."""
        if type(cache) is dict:
            cache[key] = value  # atomic under the GIL; nothing to forget
            return
        with self.lock:
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
