"""`flask --app app jobs worker`: a Huey consumer on the app's queue."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from core.jobs.queue import current_queue


@click.command(
    "worker",
    help="Run background jobs: take them from the queue (Redis when REDIS_URL is set, else the SQLite file "
    "JOBS_QUEUE_FILE) until stopped. SIGINT finishes the running jobs first; SIGTERM stops at once (the "
    "jobs it was running show as interrupted and can be retried).",
)
@with_appcontext
@click.option("--workers", "-w", type=click.IntRange(min=1), default=1, show_default=True, help="Jobs run at once.")
def worker(workers: int) -> None:
    huey = current_queue().huey
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are enqueued, so no worker is needed.")
    log = logging.getLogger("huey")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()
