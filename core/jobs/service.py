"""Jobs: create, cancel, retry, report progress, finish, and read them. No Flask here: callers pass the
session or engine, the queue, the clock and the settings.

Every write is one short transaction of its own, so people see progress while the work runs, and every
write a worker makes names its attempt: a worker presumed dead whose job was retried can write nothing more
(`JobSuperseded`). Enqueue, cancel, retry and finish are audit-logged.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core import audit
from core.accounts.models import Role, User
from core.jobs import kinds
from core.jobs.models import FINISHED_STATES, Job, JobState
from core.timeutil import utcnow

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted"  # shown, never stored: a `running` job whose worker stopped sending heartbeats
MAX_MESSAGES = 200


class JobQueue(Protocol):
    def submit(self, job_id: int, attempt: int) -> None: ...


class JobError(ValueError):
    """An action the job's state does not allow (e.g. retrying a job that succeeded)."""


# --- reading --------------------------------------------------------------------------------------


def display_state(job: Job, *, now: datetime, stale_after: float) -> str:
    """The state to show: the stored one, or `interrupted` for a running job whose worker is gone."""
    if job.state == JobState.RUNNING:
        last_sign = job.heartbeat_at or job.started_at or job.created_at
        if last_sign < now - timedelta(seconds=stale_after):
            return INTERRUPTED
    return job.state


def can_cancel(job: Job, state: str) -> bool:
    return state in (JobState.QUEUED, JobState.RUNNING, INTERRUPTED) and not job.cancel_requested


def can_retry(state: str) -> bool:
    return state in (JobState.FAILED, JobState.CANCELLED, INTERRUPTED)


def may_see(job: Job, user: User) -> bool:
    """The owner and the secretariat (administrators included) see a job; nobody else."""
    return job.owner_id == user.id or user.has_role(Role.SECRETARIAT)


def visible_job(session: Session, job_id: int, *, user: User) -> Job | None:
    job = session.get(Job, job_id)
    return job if job is not None and may_see(job, user) else None


def list_jobs(session: Session, *, user: User, page: int = 1, per_page: int = 50) -> tuple[list[Job], int]:
    """The user's own jobs, newest first; every job for the secretariat."""
    query = select(Job)
    count = select(func.count()).select_from(Job)
    if not user.has_role(Role.SECRETARIAT):
        query = query.where(Job.owner_id == user.id)
        count = count.where(Job.owner_id == user.id)
    total = session.exec(count).one()
    rows = session.exec(
        query.order_by(Job.created_at.desc(), Job.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


# --- what people do -------------------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    kind: str,
    owner_id: int | None,
    params: dict,
    locale: str,
    queue: JobQueue,
    ip: str | None = None,
) -> Job:
    """Record the job, commit, then hand it to the queue. If the queue cannot take it, the job is failed
    (and can be retried) rather than left waiting for ever."""
    if kinds.get(kind) is None:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job(kind=kind, owner_id=owner_id, params=params, locale=locale)
    session.add(job)
    session.flush()
    audit.record(session, "jobs.enqueue", actor_id=owner_id, target=f"job:{job.id}", ip=ip, kind=kind)
    session.commit()
    _submit(session, job, queue)
    return job


def cancel(
    session: Session, job: Job, *, actor_id: int | None, ip: str | None, now: datetime, stale_after: float
) -> str:
    """Cancel a job that has not finished. A waiting job (or one whose worker is gone) is cancelled at once;
    a running one is asked to stop, and stops at its next step. Returns the job's state afterwards."""
    state = display_state(job, now=now, stale_after=stale_after)
    if not can_cancel(job, state):
        raise JobError("This job cannot be cancelled.")
    stopped = False
    if state in (JobState.QUEUED, INTERRUPTED):  # no worker is running it: cancelled at once
        unchanged = (
            Job.state == JobState.QUEUED
            if state == JobState.QUEUED
            else (Job.state == JobState.RUNNING) & (Job.heartbeat_at == job.heartbeat_at)
        )
        stopped = _changed(
            session,
            update(Job)
            .where(Job.id == job.id, Job.attempts == job.attempts, unchanged)
            .values(state=JobState.CANCELLED, cancel_requested=True, finished_at=now),
        )
    if not stopped:  # running, or a worker took it meanwhile: ask it to stop at its next step
        session.exec(update(Job).where(Job.id == job.id, Job.state == JobState.RUNNING).values(cancel_requested=True))
    audit.record(session, "jobs.cancel", actor_id=actor_id, target=f"job:{job.id}", ip=ip, kind=job.kind, state=state)
    session.commit()
    session.refresh(job)
    return job.state


def retry(
    session: Session,
    job: Job,
    *,
    actor_id: int | None,
    ip: str | None,
    queue: JobQueue,
    now: datetime,
    stale_after: float,
) -> Job:
    """Run a failed, cancelled or interrupted job again, with the same parameters, as its next attempt."""
    state = display_state(job, now=now, stale_after=stale_after)
    if not can_retry(state):
        raise JobError("This job cannot be retried.")
    unchanged = [Job.id == job.id, Job.attempts == job.attempts, Job.state == job.state]
    if state == INTERRUPTED:  # and its worker has still not shown a sign of life
        unchanged.append(Job.heartbeat_at == job.heartbeat_at)
    changed = session.exec(
        update(Job)
        .where(*unchanged)
        .values(
            state=JobState.QUEUED,
            attempts=job.attempts + 1,
            done=0,
            total=None,
            messages=[],
            result=None,
            error=None,
            cancel_requested=False,
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
        )
    ).rowcount
    if changed != 1:
        session.rollback()
        raise JobError("This job changed meanwhile.")
    audit.record(
        session,
        "jobs.retry",
        actor_id=actor_id,
        target=f"job:{job.id}",
        ip=ip,
        kind=job.kind,
        state=state,
        attempt=job.attempts + 1,
    )
    session.commit()
    session.refresh(job)
    _submit(session, job, queue)
    return job


def _changed(session: Session, statement) -> bool:
    return session.exec(statement).rowcount == 1


def _submit(session: Session, job: Job, queue: JobQueue) -> None:
    try:
        queue.submit(job.id, job.attempts)
    except Exception:  # the queue's storage (Redis, the SQLite file) cannot be reached
        logger.exception("Job %s could not be queued", job.id)
        session.exec(
            update(Job)
            .where(Job.id == job.id, Job.attempts == job.attempts, Job.state == JobState.QUEUED)
            .values(state=JobState.FAILED, finished_at=utcnow())
        )
        audit.record(
            session, "jobs.finish", actor_id=job.owner_id, target=f"job:{job.id}", kind=job.kind, state="unqueued"
        )
        session.commit()
        session.refresh(job)


# --- what the worker does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Touch:
    cancel_requested: bool


def start(engine: Engine, job_id: int, attempt: int, *, now: datetime) -> Job | None:
    """Claim a waiting job for this attempt; None when it was cancelled, retried or taken meanwhile."""
    with Session(engine, expire_on_commit=False) as session:
        claimed = session.exec(
            update(Job)
            .where(
                Job.id == job_id,
                Job.attempts == attempt,
                Job.state == JobState.QUEUED,
                Job.cancel_requested.is_(False),
            )
            .values(state=JobState.RUNNING, started_at=now, heartbeat_at=now)
        ).rowcount
        session.commit()
        return session.get(Job, job_id) if claimed == 1 else None


def progress(
    engine: Engine, job_id: int, attempt: int, *, done: int, total: int | None, messages: list[str], now: datetime
) -> Touch:
    """Record progress (and a heartbeat) in a transaction of its own. Raises JobSuperseded when this attempt
    no longer owns the job; tells whether a cancel was asked for."""
    return _touch(engine, job_id, attempt, now, done=done, total=total, messages=messages[-MAX_MESSAGES:])


def heartbeat(engine: Engine, job_id: int, attempt: int, *, now: datetime) -> Touch:
    return _touch(engine, job_id, attempt, now)


def _touch(engine: Engine, job_id: int, attempt: int, now: datetime, **values) -> Touch:
    with Session(engine) as session:
        mine = (Job.id == job_id, Job.attempts == attempt, Job.state == JobState.RUNNING)
        changed = session.exec(update(Job).where(*mine).values(heartbeat_at=now, **values)).rowcount
        session.commit()
        if changed != 1:
            raise kinds.JobSuperseded()
        return Touch(cancel_requested=bool(session.exec(select(Job.cancel_requested).where(Job.id == job_id)).one()))


def finish(
    engine: Engine,
    job_id: int,
    attempt: int,
    *,
    state: str,
    now: datetime,
    result: dict | None = None,
    error: str | None = None,
) -> bool:
    """Record how the attempt ended, audit-logged in the same transaction; False if it no longer owns the job."""
    if state not in FINISHED_STATES:
        raise ValueError(f"{state!r} is not a finished state")
    with Session(engine) as session:
        values = {"state": state, "finished_at": now, "heartbeat_at": now, "result": result, "error": error}
        if state == JobState.DONE:
            values["done"] = func.coalesce(Job.total, Job.done)
        mine = (Job.id == job_id, Job.attempts == attempt, Job.state == JobState.RUNNING)
        if session.exec(update(Job).where(*mine).values(**values)).rowcount != 1:
            session.rollback()
            return False
        job = session.get(Job, job_id)
        audit.record(
            session,
            "jobs.finish",
            actor_id=job.owner_id,
            target=f"job:{job_id}",
            kind=job.kind,
            state=state,
            attempt=attempt,
        )
        session.commit()
        return True


# --- result files ---------------------------------------------------------------------------------


def save_result(results_dir: Path, *, job_id: int, attempt: int, filename: str, content: bytes, mimetype: str) -> dict:
    """Write a result file under `results_dir` (never under static/), whole or not at all, and return the
    reference to store as the job's result."""
    name = re.sub(r"[^\w.-]+", "-", Path(filename).name).strip(".-") or "result"
    folder = f"{job_id}-{attempt}-{secrets.token_hex(8)}"
    target = results_dir / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{name}.partial")
    partial.write_bytes(content)
    os.replace(partial, target)
    return {"file": f"{folder}/{name}", "filename": name, "size": len(content), "mimetype": mimetype}


def result_path(results_dir: Path, job: Job) -> Path | None:
    """The file of a finished job's result, if it has one and it is still there."""
    if job.state != JobState.DONE or not job.result or "file" not in job.result:
        return None
    root = results_dir.resolve()
    path = (root / job.result["file"]).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def discard_result(results_dir: Path, result: dict | None) -> None:
    """Remove a result file written by an attempt that could not record it."""
    if result and "file" in result:
        folder = (results_dir / result["file"]).parent
        if folder.resolve().parent == results_dir.resolve():
            shutil.rmtree(folder, ignore_errors=True)
