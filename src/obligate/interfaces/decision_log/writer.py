"""The writer: one thread that owns the store and commits queued records in batches."""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import sys
import threading
import time
from dataclasses import dataclass, field

from obligate.interfaces.decision_log.record import DecisionLogError, DecisionRecord
from obligate.interfaces.decision_log.store import Store

BATCH_SIZE = 512
WRITE_ATTEMPTS = 4
RETRY_PAUSE_SECONDS = (0.05, 0.25, 1.0)


@dataclass
class _Pending:
    record: DecisionRecord
    done: concurrent.futures.Future[None] = field(default_factory=concurrent.futures.Future)


_STOP = object()


class DecisionLog:
    """Records determinations through one writer thread that commits in batches."""

    def __init__(
        self, store: Store, batch_size: int = BATCH_SIZE, source: str | None = None
    ) -> None:
        self.store = store
        self.source = source
        """What the store was opened from (a path or the full DSN), to read it back over a
        connection of its own; never shown (a DSN may hold a password)."""
        self.batch_size = batch_size
        self.written = 0
        self.failed = 0
        self._last_commit_ok = True
        self._queue: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._closed = False
        self._writer = threading.Thread(target=self._run, name="decision-log", daemon=True)
        self._writer.start()

    @property
    def target(self) -> str:
        return self.store.target

    @property
    def healthy(self) -> bool:
        """The writer runs and its latest commit succeeded."""
        return self._writer.is_alive() and not self._closed and self._last_commit_ok

    def submit(self, record: DecisionRecord) -> concurrent.futures.Future[None]:
        """Queue a record; the future resolves when it is committed (or fails if it cannot
        be written)."""
        pending = _Pending(record)
        if self._closed:
            pending.done.set_exception(DecisionLogError("the decision log is closed"))
        else:
            self._queue.put(pending)
        return pending.done

    async def record(self, record: DecisionRecord) -> None:
        """Record and wait, without blocking the event loop, until the record is committed."""
        await asyncio.wrap_future(self.submit(record))

    def close(self) -> None:
        """Write every queued record, then stop the writer and close the database."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._writer.join()
        self.store.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[_Pending] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                elif isinstance(item, _Pending):
                    batch.append(item)
                if len(batch) >= self.batch_size:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        records = [p.record for p in batch]
        error: Exception | None = None
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self.store.write(records)
            except Exception as exc:  # a database error of either backend
                error = exc
                if attempt < len(RETRY_PAUSE_SECONDS):
                    time.sleep(RETRY_PAUSE_SECONDS[attempt])
                continue
            self.written += len(batch)
            self._last_commit_ok = True
            for pending in batch:
                pending.done.set_result(None)
            return
        self.failed += len(batch)
        self._last_commit_ok = False
        print(
            f"obligate: decision log {self.target}: {len(batch)} records not written: {error}",
            file=sys.stderr,
        )
        failure = DecisionLogError(f"the decision log could not be written: {error}")
        for pending in batch:
            pending.done.set_exception(failure)
