"""gunicorn settings read from the working directory (`gunicorn app:app` in this folder).

Each worker loads the dashboard's registry and engagement frames, and the latest wave's year and
the year before, before it takes requests (`dashboards.data.warm`), so the first view of the latest
wave after a start reads nothing more.
Set `DASHBOARD_WARM=false` to skip it (e.g. a worker pool that never serves the dashboard).

Workers are threaded (`gthread`): a client that sends its request slowly holds one thread, not a
whole worker, so a few slow clients no longer make the site unreachable, as they did with sync
workers (tests/core/test_slow_clients.py). `GUNICORN_THREADS` sets the threads per worker. On the
open internet, also put a buffering proxy in front (docs/operations.md, "Slow clients").
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))


def post_worker_init(worker):
    if os.environ.get("DASHBOARD_WARM", "true").strip().lower() in {"0", "false", "no", "off"}:
        return
    from dashboards.data import warm

    warm(worker.wsgi, log=worker.log)
