"""Memory housekeeping shared by the stages that build large structures at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (if it runs) for a bulk build or run.

    Building a rule base or answering a batch allocates hundreds of thousands of objects that
    all stay alive; the collector would rescan them again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            settle()
            gc.enable()


def settle() -> None:
    """Move every object the collector tracks into its oldest generation, without a scan.

    What a bulk build made stays alive; left young, the next collection would walk all of it
    (a third of a second for a large rule base). Freezing and unfreezing moves the objects
    without visiting them. Skipped when something froze objects on purpose (the server does
    after loading), since unfreezing would hand those back to the collector."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
