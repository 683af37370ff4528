"""Background jobs: long work runs in a worker process, not in a web request.

A `Job` row (models) is the record people see: kind, owner, state, progress, messages and result.
`service` creates, cancels, retries and reads jobs (no Flask); `queue` binds the Huey queue to the app
(SQLite in `instance/` by default, Redis when `REDIS_URL` is set); `runner` runs one job in a worker;
`kinds` is the registry domain packages add their kinds of work to; `views` are the pages.
"""
