"""A real Huey worker for tests: the app's own consumer, run in threads of the test process."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from huey.consumer import Consumer

from core.jobs.queue import queue_of


class ThreadConsumer(Consumer):
    """Huey's consumer, minus the signal handlers: the test's main thread keeps pytest's."""

    def _set_signal_handlers(self) -> None:
        pass


@contextmanager
def running_worker(app: Flask, workers: int = 1) -> Iterator[Consumer]:
    """Workers taking jobs from the app's queue (its SQLite file or Redis) until the block ends."""
    huey = queue_of(app).huey
    assert not huey.immediate, "a worker needs JOBS_IMMEDIATE=False"
    consumer = ThreadConsumer(
        huey, workers=workers, periodic=False, initial_delay=0.02, max_delay=0.2, check_worker_health=False
    )
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def wait_for(condition: Callable[[], object], *, timeout: float = 30, what: str = "the condition"):
    """Poll `condition` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
