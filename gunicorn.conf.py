"""gunicorn settings read from the working directory (`gunicorn app:app` in this folder).

Each worker loads the dashboard's registry and engagement frames before it takes requests
(`dashboards.data.warm`), so the first dashboard view after a start only loads its wave.
Set `DASHBOARD_WARM=false` to skip it (e.g. a worker pool that never serves the dashboard).
"""

import os


def post_worker_init(worker):
    if os.environ.get("DASHBOARD_WARM", "true").strip().lower() in {"0", "false", "no", "off"}:
        return
    from dashboards.data import warm

    warm(worker.wsgi, log=worker.log)
