"""The queue between the web processes and the workers: Huey, bound to one app.

Storage is the SQLite file `JOBS_QUEUE_FILE` (`instance/jobs.db`) by default: nothing to install, workers on
the same machine. With `REDIS_URL` set it is that Redis, so workers can run on several machines. The queue
carries only a job's id and attempt; everything else is in the job's row. `JOBS_IMMEDIATE` runs each job in
the process that enqueues it, at once (the tests' default; never in production).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

from core.jobs import runner

QUEUE_NAME = "ipbes-jobs"


class HueyQueue:
    """What `service.enqueue` and `service.retry` hand jobs to."""

    def __init__(self, huey: Huey, task):
        self.huey = huey
        self._task = task

    def submit(self, job_id: int, attempt: int) -> None:
        self._task(job_id, attempt)


class InProcessQueue:
    """Runs each job at once in this process (a command run from cron): the job is recorded, audit-logged
    and can be retried from its page like any other, and the command sees how it ended."""

    def __init__(self, app: Flask):
        self._app = app

    def submit(self, job_id: int, attempt: int) -> None:
        runner.run(self._app, job_id, attempt)


def make_huey(config: dict) -> Huey:
    immediate = bool(config["JOBS_IMMEDIATE"])
    if config["REDIS_URL"]:
        return RedisHuey(QUEUE_NAME, url=config["REDIS_URL"], immediate=immediate, results=False)
    path = Path(config["JOBS_QUEUE_FILE"])
    if not immediate:
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), immediate=immediate, results=False)


def init_app(app: Flask) -> None:
    huey = make_huey(app.config)

    @huey.task(name="run_job")
    def run_job(job_id: int, attempt: int) -> None:
        runner.run(app, job_id, attempt)

    app.extensions["jobs"] = HueyQueue(huey, run_job)


def queue_of(app: Flask) -> HueyQueue:
    return app.extensions["jobs"]


def current_queue() -> HueyQueue:
    return queue_of(current_app)


def in_process() -> InProcessQueue:
    return InProcessQueue(current_app._get_current_object())
