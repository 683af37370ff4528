"""The plenary report from the dashboard is a background job: the button opens the job's page, whose
result is the report; only its owner and the secretariat see it, and the worker builds it within the
owner's scope as it stands when the job runs."""

from __future__ import annotations

from sqlmodel import Session, select

from core.demo import DEMO_PASSWORD
from core.jobs import service
from core.jobs.models import Job
from core.jobs.queue import queue_of
from tests.conftest import AuthActions
from tests.dashboards.conftest import FOCAL_KE, SECRETARIAT, STAKEHOLDER, DashCalls, sign_in
from tests.factories import DEFAULT_PASSWORD, make_focal_point, make_user


def test_the_report_button_queues_a_job_whose_file_only_its_owner_and_the_secretariat_get(seeded, app, session):
    owner = app.test_client()
    sign_in(owner, FOCAL_KE)
    dash = DashCalls(owner)
    dash.open()

    page = dash.request_report("?category=science")

    assert page.startswith("/jobs/")
    job = session.exec(select(Job).order_by(Job.id.desc())).first()
    assert job.kind == "dashboards.plenary_report" and job.params == {"search": "?category=science"}
    assert job.state == "done" and job.result["filename"].endswith(".html")
    assert "Download" in owner.get(page).get_data(as_text=True)
    with owner.get(page + "/result") as result:
        assert result.status_code == 200 and result.mimetype == "text/html"
        assert result.headers["Cache-Control"] == "no-store"

    make_focal_point(session, country="FR", email="focal.fr@example.org")
    others = ((SECRETARIAT, DEMO_PASSWORD, 200), ("focal.fr@example.org", DEFAULT_PASSWORD, 404))
    for email, password, status in (*others, (STAKEHOLDER, DEMO_PASSWORD, 404)):
        other = app.test_client()
        AuthActions(other).login(email, password)
        assert other.get(page).status_code == status, email
        with other.get(page + "/result") as result:
            assert result.status_code == status, email


def test_no_report_for_an_owner_who_may_no_longer_see_the_dashboard(app, session):
    gone = make_user(session, email="former.focal@example.org")  # a focal point since returned to stakeholder
    with Session(app.extensions["db_engine"], expire_on_commit=False) as own:
        job = service.enqueue(
            own,
            kind="dashboards.plenary_report",
            owner_id=gone.id,
            params={"search": ""},
            locale="fr",
            queue=queue_of(app),
        )
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.state == "failed" and job.result is None
    assert job.error == "Vous ne pouvez plus voir le tableau de bord."
