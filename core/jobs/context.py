"""What a kind of work sees of its job while it runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.jobs import kinds, service
from core.jobs.models import Job
from core.timeutil import utcnow


class JobContext:
    """The job's parameters and owner, a database session for the work's own writes (which the work commits
    once, at the end), and the means to report progress and save a result.

    `progress` is also where a cancel request stops the work: it raises `JobCancelled`, and the runner
    rolls the session back.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        job: Job,
        session: Session,
        results_dir: Path,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.job_id: int = job.id
        self.attempt: int = job.attempts
        self.owner_id: int | None = job.owner_id
        self.params: dict = dict(job.params)
        self.locale: str = job.locale
        self.session = session
        self.results_dir = results_dir
        self.messages: list[str] = []
        self.result: dict | None = None
        self._engine = engine
        self._clock = clock

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record `done` of `total` steps (and a message for the owner); stop here if a cancel was asked."""
        if message:
            self.messages.append(str(message))
        touch = service.progress(
            self._engine, self.job_id, self.attempt, done=done, total=total, messages=self.messages, now=self._clock()
        )
        if touch.cancel_requested:
            raise kinds.JobCancelled()

    def every(self, seconds: float = 0.5) -> Callable[[int, int], None]:
        """`progress(done, total)` for work of many small steps (a mailing): written at the first and the
        last step and at most every `seconds` between them, so the record costs little beside the work."""
        last = [float("-inf")]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done in (0, total) or now - last[0] >= seconds:
                last[0] = now
                self.progress(done, total)

        return report

    def check_cancelled(self) -> None:
        """Stop here if a cancel was asked for (progress does this too)."""
        if service.heartbeat(self._engine, self.job_id, self.attempt, now=self._clock()).cancel_requested:
            raise kinds.JobCancelled()

    def save_result(self, filename: str, content: bytes, mimetype: str) -> dict:
        """Store the result file; return the reference the kind returns as the job's result."""
        self.result = service.save_result(
            self.results_dir,
            job_id=self.job_id,
            attempt=self.attempt,
            filename=filename,
            content=content,
            mimetype=mimetype,
        )
        return self.result
