"""Background jobs: states, progress and results, who sees a job, cancel, retry, and real workers (Huey
consumer threads, a worker process killed mid-job, the `flask jobs worker` command)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import update
from sqlmodel import Session, select

from app import ROOT
from core.audit import AuditEvent
from core.config import load_config
from core.jobs import kinds, service
from core.jobs import runner as job_runner
from core.jobs.models import Job
from core.jobs.queue import make_huey, queue_of
from core.timeutil import utcnow
from exports.jobs import RELEASE_KIND
from exports.params import ReleaseParams
from tests.conftest import AuthActions
from tests.exports.builders import kenya_and_france
from tests.factories import SECRETARIAT, make_secretariat, make_user
from tests.support.jobs import running_worker, wait_for

pytestmark = pytest.mark.usefixtures("backend")

COUNT, FAIL, CRASH, GATED, DIES = "tests.count", "tests.fail", "tests.crash", "tests.gated", "tests.dies"
GATE_REACHED, GATE_OPEN = threading.Event(), threading.Event()
WORKER_DYING = multiprocessing.get_context("fork").Event()


def count_to_three(context):
    for step in range(1, 4):
        context.progress(step, 3, f"Step {step}")
    return context.save_result("count.txt", b"1 2 3", "text/plain")


def fail(context):
    raise kinds.JobFailed("Wave 7 is not closed.")


def crash(context):
    raise RuntimeError("a bug")


def gated(context):
    """Stops at a gate the test opens; its domain write is committed only at the end."""
    context.progress(1, 2, "Before the gate")
    context.session.add(AuditEvent(action="tests.domain_write", target=f"job:{context.job_id}"))
    GATE_REACHED.set()
    assert GATE_OPEN.wait(30)
    context.progress(2, 2, "After the gate")
    context.session.commit()


def dies_on_first_attempt(context):
    """Writes (uncommitted) and then hangs on its first attempt, until its process is killed."""
    context.progress(1, 2, "Writing")
    context.session.add(AuditEvent(action="tests.domain_write", target=f"job:{context.job_id}"))
    context.session.flush()
    if context.attempt == 1:
        WORKER_DYING.set()
        threading.Event().wait()  # until SIGKILL
    context.session.commit()


@pytest.fixture(autouse=True)
def test_kinds():
    registered = {COUNT: count_to_three, FAIL: fail, CRASH: crash, GATED: gated, DIES: dies_on_first_attempt}
    for name, run in registered.items():
        kinds.register(name, title=f"Test {name}", run=run)
    GATE_REACHED.clear()
    GATE_OPEN.clear()
    WORKER_DYING.clear()
    yield
    GATE_OPEN.set()  # never leave a worker thread waiting
    for name in registered:
        kinds.unregister(name)


def enqueue(app, user, kind: str, params: dict | None = None) -> Job:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        return service.enqueue(
            session, kind=kind, owner_id=user.id, params=params or {}, locale="en", queue=queue_of(app)
        )


def reload(session, job: Job) -> Job:
    session.expire_all()
    return session.get(Job, job.id)


def actions(session, job: Job) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.target == f"job:{job.id}").order_by(AuditEvent.id)
    return list(session.exec(query).all())


@pytest.fixture
def worker_app(app_with, tmp_path):
    """An app whose jobs wait in a real queue (a SQLite file) for a worker."""
    return app_with(JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=str(tmp_path / "jobs.db"))


def signed_in(app, email: str):
    client = app.test_client()
    AuthActions(client).login(email)
    return client


# --- states, progress, results --------------------------------------------------------------------


def test_a_job_runs_through_its_states_and_keeps_its_progress_messages_and_result(app, session):
    owner = make_user(session)
    job = reload(session, enqueue(app, owner, COUNT))
    assert (job.state, job.done, job.total, job.attempts) == ("done", 3, 3, 1)
    assert job.messages == ["Step 1", "Step 2", "Step 3"]
    assert job.created_at <= job.started_at <= job.finished_at
    path = service.result_path(Path(app.config["JOB_RESULTS_DIR"]), job)
    assert path.read_bytes() == b"1 2 3" and job.result["filename"] == "count.txt"
    assert actions(session, job) == ["jobs.enqueue", "jobs.finish"]
    finish = session.exec(select(AuditEvent).where(AuditEvent.action == "jobs.finish")).one()
    assert (finish.actor_id, finish.details["state"], finish.details["kind"]) == (owner.id, "done", COUNT)


def test_a_failed_job_says_why_and_a_crashed_one_says_it_stopped(app, client, auth, session):
    owner = make_user(session)
    auth.login(owner.email)
    failed = reload(session, enqueue(app, owner, FAIL))
    crashed = reload(session, enqueue(app, owner, CRASH))
    assert (failed.state, failed.error) == ("failed", "Wave 7 is not closed.")
    assert (crashed.state, crashed.error) == ("failed", None)
    page = client.get(f"/jobs/{failed.id}").get_data(as_text=True)
    assert "Wave 7 is not closed." in page and "Try again" in page and ">Cancel<" not in page
    page = client.get(f"/jobs/{crashed.id}").get_data(as_text=True)
    assert "The job stopped on an unexpected error." in page and "a bug" not in page


def test_a_result_outside_the_results_folder_is_never_served(app, session):
    job = Job(kind=COUNT, state="done", result={"file": "../../secret_key", "filename": "x"})
    assert service.result_path(Path(app.config["JOB_RESULTS_DIR"]), job) is None


def test_the_page_of_a_finished_job_shows_the_bar_and_the_download(app, client, auth, session):
    owner = make_user(session)
    job = enqueue(app, owner, COUNT)
    auth.login(owner.email)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-progress" max="3" value="3">3 of 3</progress>' in page
    assert "Step 3" in page and "Finished" in page
    assert 'http-equiv="refresh"' not in page and "jobs.js" not in page  # nothing left to follow
    response = client.get(f"/jobs/{job.id}/result", buffered=True)
    assert response.data == b"1 2 3" and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status | {"messages": None} == {
        "id": job.id,
        "state": "done",
        "state_label": "Finished",
        "done": 3,
        "total": 3,
        "progress_text": "3 of 3",
        "messages": None,
        "cancel_requested": False,
        "finished": True,
    }


# --- who sees a job ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, sees",
    [("owner", True), ("stakeholder", False), ("focal_point", False), ("secretariat", True), ("admin", True)],
)
def test_only_the_owner_and_the_secretariat_see_a_job(app, client, auth, session, role, sees):
    owner = make_user(session, email="owner@example.org")
    job = enqueue(app, owner, FAIL)
    if role == "owner":
        auth.login(owner.email)
    else:
        make_user(session, email="other@example.org", role=role, country="KE" if role == "focal_point" else None)
        auth.login("other@example.org")
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}.json"):
        assert client.get(url).status_code == (200 if sees else 404)
    if not sees:
        assert client.post(f"/jobs/{job.id}/retry").status_code == 404
        assert client.post(f"/jobs/{job.id}/cancel").status_code == 404
        assert reload(session, job).attempts == 1
    listing = client.get("/jobs/").get_data(as_text=True)
    assert (f"/jobs/{job.id}" in listing) == sees


def test_anonymous_visitors_are_sent_to_sign_in(app, client, session):
    job = enqueue(app, make_user(session), COUNT)
    for url in ("/jobs/", f"/jobs/{job.id}", f"/jobs/{job.id}.json", f"/jobs/{job.id}/result"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_list_shows_ones_own_jobs_and_the_secretariat_sees_everyones(app, client, auth, session):
    mine, theirs = make_user(session, email="me@example.org"), make_user(session, email="them@example.org")
    make_secretariat(session)
    my_job, their_job = enqueue(app, mine, COUNT), enqueue(app, theirs, FAIL)
    auth.login(mine.email)
    page = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{my_job.id}" in page and f"/jobs/{their_job.id}" not in page
    assert "3 of 3" in page
    auth.logout()
    auth.login(SECRETARIAT)
    page = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{my_job.id}" in page and f"/jobs/{their_job.id}" in page
    assert "me@example.org" in page and "them@example.org" in page


# --- waiting, cancel, retry, with a real worker -------------------------------------------------------


def test_a_waiting_job_refreshes_its_page_and_can_be_cancelled_then_retried(worker_app, session):
    owner = make_user(session)
    client = signed_in(worker_app, owner.email)
    job = enqueue(worker_app, owner, COUNT)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'src="/static/js/jobs.js?v=' in page and f'data-job-status="/jobs/{job.id}.json"' in page
    assert "Waiting for a worker to start this job." in page
    assert client.get(f"/jobs/{job.id}.json").get_json()["finished"] is False

    response = client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    assert "The job is cancelled." in response.get_data(as_text=True)
    assert reload(session, job).state == "cancelled"
    with running_worker(worker_app):  # the queued message is skipped: the job was cancelled
        response = client.post(f"/jobs/{job.id}/retry", follow_redirects=True)
        assert "The job is queued again, with the same choices." in response.get_data(as_text=True)
        wait_for(lambda: reload(session, job).state == "done", what="the retried job")
    job = reload(session, job)
    assert (job.attempts, job.done, job.total) == (2, 3, 3)
    assert actions(session, job) == ["jobs.enqueue", "jobs.cancel", "jobs.retry", "jobs.finish"]
    assert client.post(f"/jobs/{job.id}/retry").status_code == 302  # a finished job: refused, not retried
    assert reload(session, job).attempts == 2


def test_cancelling_a_running_job_stops_it_at_its_next_step_and_keeps_nothing(worker_app, session):
    owner = make_user(session)
    client = signed_in(worker_app, owner.email)
    job = enqueue(worker_app, owner, GATED)
    with running_worker(worker_app):
        assert GATE_REACHED.wait(30), "the worker never started the job"
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert '<progress id="job-progress" max="2" value="1">1 of 2</progress>' in page and "Before the gate" in page
        response = client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
        assert "Cancelling: the job stops at its next step and keeps nothing." in response.get_data(as_text=True)
        status = client.get(f"/jobs/{job.id}.json").get_json()
        assert (status["state"], status["cancel_requested"], status["finished"]) == ("running", True, False)
        GATE_OPEN.set()
        wait_for(lambda: reload(session, job).state == "cancelled", what="the job to stop")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "tests.domain_write")).first() is None
    assert actions(session, job) == ["jobs.enqueue", "jobs.cancel", "jobs.finish"]


def test_workers_take_jobs_from_redis_when_redis_url_is_set(app_with, redis_url, session):
    app = app_with(JOBS_IMMEDIATE=False, REDIS_URL=redis_url)
    huey = queue_of(app).huey
    assert isinstance(huey, RedisHuey)
    huey.flush()
    job = enqueue(app, make_user(session), COUNT)
    with running_worker(app):
        wait_for(lambda: reload(session, job).state == "done", what="the job")


def test_without_redis_the_queue_is_a_sqlite_file_in_instance(tmp_path):
    config = load_config(tmp_path, {})
    assert config["JOBS_QUEUE_FILE"] == str(tmp_path / "jobs.db")
    assert config["JOB_RESULTS_DIR"] == str(tmp_path / "job-results")
    assert isinstance(make_huey(config), SqliteHuey) and (tmp_path / "jobs.db").exists()


# --- a worker killed mid-job ------------------------------------------------------------------------


def _run_in_a_worker_process(app, job_id: int, attempt: int) -> None:
    app.extensions["db_engine"].dispose(close=False)  # the parent's connections stay the parent's
    job_runner.run(app, job_id, attempt)


def test_a_worker_killed_mid_job_leaves_nothing_half_done_and_the_job_can_be_retried(app_with, tmp_path, session):
    app = app_with(JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=str(tmp_path / "jobs.db"), JOB_HEARTBEAT_TIMEOUT=1.0)
    owner = make_user(session)
    client = signed_in(app, owner.email)
    job = enqueue(app, owner, DIES)
    worker = multiprocessing.get_context("fork").Process(target=_run_in_a_worker_process, args=(app, job.id, 1))
    worker.start()
    assert WORKER_DYING.wait(60), "the worker never reached its write"
    worker.kill()  # SIGKILL: no cleanup of any kind
    worker.join(30)
    assert worker.exitcode == -signal.SIGKILL

    assert reload(session, job).state == "running"  # the worker never said otherwise
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "tests.domain_write")).first() is None
    wait_for(
        lambda: client.get(f"/jobs/{job.id}.json").get_json()["state"] == "interrupted",
        what="the job to show as interrupted once its heartbeat stopped",
    )
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Interrupted" in page and "The worker running this job stopped" in page and "Try again" in page
    assert 'http-equiv="refresh"' not in page

    with running_worker(app):  # takes the first attempt's message too, and skips it
        client.post(f"/jobs/{job.id}/retry")
        wait_for(lambda: reload(session, job).state == "done", what="the retried job")
    job = reload(session, job)
    assert (job.attempts, job.done, job.messages) == (2, 2, ["Writing"])
    writes = session.exec(select(AuditEvent).where(AuditEvent.action == "tests.domain_write")).all()
    assert len(writes) == 1  # the retry's, once
    assert actions(session, job) == ["jobs.enqueue", "jobs.retry", "tests.domain_write", "jobs.finish"]


def test_an_attempt_presumed_dead_can_write_nothing_once_the_job_is_retried(worker_app, session):
    engine = worker_app.extensions["db_engine"]
    job = enqueue(worker_app, make_user(session), COUNT)
    assert service.start(engine, job.id, 1, now=utcnow()) is not None
    long_ago = utcnow() - timedelta(hours=1)
    session.exec(update(Job).where(Job.id == job.id).values(heartbeat_at=long_ago))
    session.commit()
    job = reload(session, job)
    assert service.display_state(job, now=utcnow(), stale_after=60) == "interrupted"
    service.retry(session, job, actor_id=None, ip=None, queue=queue_of(worker_app), now=utcnow(), stale_after=60)
    with pytest.raises(kinds.JobSuperseded):
        service.progress(engine, job.id, 1, done=1, total=3, messages=["late"], now=utcnow())
    assert not service.finish(engine, job.id, 1, state="done", now=utcnow())
    job = reload(session, job)
    assert (job.state, job.attempts, job.messages) == ("queued", 2, [])
    assert service.start(engine, job.id, 1, now=utcnow()) is None  # the old attempt's message is skipped


# --- the worker command -----------------------------------------------------------------------------


def test_the_worker_command_refuses_to_run_when_jobs_run_at_once(runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output


def test_the_worker_command_runs_jobs_in_its_own_process(database_url, app_with, tmp_path, session):
    """`flask --app app jobs worker`, as scripts/start.sh and the docs run it, builds a release."""
    queue_file = str(tmp_path / "jobs.db")
    app = app_with(JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=queue_file)
    log = (tmp_path / "worker.log").open("w")
    worker = None
    try:
        wave = kenya_and_france(session, status="closed")
        secretary = make_secretariat(session)
        params = ReleaseParams(wave_ids=(wave.id,), format="csv").as_dict()
        job = enqueue(app, secretary, RELEASE_KIND, params)
        environment = os.environ | {
            "APP_ENV": "testing",
            "DATABASE_URL": database_url,
            "JOBS_QUEUE_FILE": queue_file,
            "JOB_RESULTS_DIR": app.config["JOB_RESULTS_DIR"],
            "MAIL_BACKEND": "outbox",
        }
        command = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
        worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        wait_for(
            lambda: reload(session, job).state not in ("queued", "running") or worker.poll() is not None,
            timeout=180,
            what="the worker process to run the job",
        )
        job = reload(session, job)
        assert job.state == "done", (tmp_path / "worker.log").read_text()
        path = service.result_path(Path(app.config["JOB_RESULTS_DIR"]), job)
        assert "data.csv" in zipfile.ZipFile(path).namelist()
        worker.send_signal(signal.SIGINT)  # graceful: finishes running jobs, then exits
        assert worker.wait(60) == 0
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait(30)
        log.close()
