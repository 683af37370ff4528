"""Running one attempt of a job in a worker: claim it, keep a heartbeat, run its kind, record the end.

Whatever happens, the job ends in a clear state: `done` with its result, `cancelled`, or `failed` with a
message. If the worker itself dies, the heartbeat stops; the job then shows as interrupted and can be
retried. The work's own session is rolled back on every way out but success, so nothing half-done stays.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask
from flask_babel import force_locale
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import get_engine
from core.jobs import kinds, service
from core.jobs.context import JobContext
from core.jobs.models import JobState
from core.timeutil import utcnow

logger = logging.getLogger(__name__)


class Heartbeat:
    """Tells, every `interval` seconds, that the worker is alive, even during a long step without progress."""

    def __init__(self, engine: Engine, job_id: int, attempt: int, interval: float):
        self._args = (engine, job_id, attempt)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                service.heartbeat(*self._args, now=utcnow())
            except kinds.JobSuperseded:
                return
            except Exception:  # a busy or unreachable database: try again at the next beat
                logger.warning("Heartbeat of job %s failed", self._args[1], exc_info=True)


def run(app: Flask, job_id: int, attempt: int) -> None:
    """Run attempt `attempt` of job `job_id` (what the queue's task calls)."""
    with app.app_context():
        engine = get_engine()
        job = service.start(engine, job_id, attempt, now=utcnow())
        if job is None:
            logger.info("Job %s attempt %s is no longer waiting: skipped", job_id, attempt)
            return
        results_dir = Path(app.config["JOB_RESULTS_DIR"])
        interval = max(0.05, float(app.config["JOB_HEARTBEAT_TIMEOUT"]) / 4)
        with (
            force_locale(job.locale),
            Heartbeat(engine, job_id, attempt, interval),
            Session(engine, expire_on_commit=False) as session,
        ):
            context = JobContext(engine=engine, job=job, session=session, results_dir=results_dir)
            outcome = _execute(job.kind, context)
        if outcome is None or not service.finish(engine, job_id, attempt, now=utcnow(), **outcome):
            logger.warning("Job %s attempt %s was superseded: its work is discarded", job_id, attempt)
            service.discard_result(results_dir, context.result)


def _execute(kind_name: str, context: JobContext) -> dict | None:
    """How the attempt ended, as `finish` arguments; None when it no longer owns the job."""
    session = context.session
    try:
        kind = kinds.get(kind_name)
        if kind is None:
            raise LookupError(f"No job kind named {kind_name!r} is registered in this worker")
        result = kind.run(context)
    except kinds.JobSuperseded:
        session.rollback()
        return None
    except kinds.JobCancelled:
        session.rollback()
        service.discard_result(context.results_dir, context.result)
        return {"state": JobState.CANCELLED}
    except kinds.JobFailed as failure:
        session.rollback()
        service.discard_result(context.results_dir, context.result)
        return {"state": JobState.FAILED, "error": failure.message}
    except Exception:
        logger.exception("Job %s (%s) failed", context.job_id, kind_name)
        session.rollback()
        service.discard_result(context.results_dir, context.result)
        return {"state": JobState.FAILED}
    return {"state": JobState.DONE, "result": result}
