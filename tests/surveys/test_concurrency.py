"""Parallel posts over HTTP: one key stores one response; many respondents lose nothing.

Each thread has its own test client, so each request has its own database session and
connection from the app's engine, as under a threaded server.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from surveys import respondents
from surveys.models import Answer, Response
from tests.factories import ANSWERS, make_invitation, make_stakeholder, make_wave
from tests.reading import row_count

THREADS = 20
FORM = {f"q.{name}": value for name, value in ANSWERS.items()}


def _post_all(app, posts):
    """Post every (url, data) at once (a barrier lines the threads up) and return the responses."""
    barrier = threading.Barrier(len(posts))

    def post(item):
        url, data = item
        client = app.test_client()
        barrier.wait()
        response = client.post(url, data=data)
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(post, posts))


def _start(session, wave, index):
    person = make_stakeholder(session, name=f"Person {index}", email=f"person{index}@example.org")
    invitation = make_invitation(session, wave=wave, stakeholder=person)
    respondent = respondents.start_from_invitation(session, token=invitation.token)
    return invitation.token, respondent.response.submission_key


def test_twenty_parallel_posts_of_one_key_store_exactly_one_response(app, session):
    wave = make_wave(session)
    token, key = _start(session, wave, 0)
    url = f"/survey/i/{token}/review"
    outcomes = _post_all(app, [(url, {**FORM, "submission_key": key})] * THREADS)
    assert {status for status, _ in outcomes} == {303}
    assert {location for _, location in outcomes} == {f"/survey/i/{token}/done"}  # the same confirmation
    session.expire_all()
    assert row_count(session, Response) == 1
    assert session.exec(select(Response.status)).one() == "submitted"
    assert row_count(session, Answer) == 7


def test_twenty_respondents_posting_at_once_lose_nothing(app, session):
    wave = make_wave(session)
    started = [_start(session, wave, index) for index in range(THREADS)]
    posts = [
        (f"/survey/i/{token}/review", {**FORM, "q.years": str(index), "submission_key": key})
        for index, (token, key) in enumerate(started)
    ]
    outcomes = _post_all(app, posts)
    assert [status for status, _ in outcomes] == [303] * THREADS
    session.expire_all()
    assert (
        session.exec(select(func.count()).select_from(Response).where(Response.status == "submitted")).one() == THREADS
    )
    assert row_count(session, Answer) == 7 * THREADS
    years = sorted(int(a.value_number) for a in session.exec(select(Answer).where(Answer.question == "years")))
    assert years == list(range(THREADS))
