"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

`--backend sqlite` (or postgresql) narrows a run while developing. With CI=true a missing
server or browser fails the run; elsewhere it skips what needs it.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile

os.environ.setdefault("APP_ENV", "testing")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 32)

import pytest  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from app import create_app  # noqa: E402
from tests import factories  # noqa: E402
from tests.support.databases import PostgresDatabases, SqliteDatabases  # noqa: E402
from tests.support.servers import ServerUnavailable, postgres_server, redis_server  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    """A missing server or browser: a failure in CI, a skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, never skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_addoption(parser):
    parser.addoption(
        "--backend", action="append", choices=BACKENDS, help="database backend(s) to run on (default: both)"
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend") or list(BACKENDS)
        metafunc.parametrize("backend", chosen, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    try:
        with postgres_server() as url:
            yield url
    except ServerUnavailable as error:
        unavailable(str(error))


@pytest.fixture(scope="session")
def redis_url():
    try:
        with redis_server() as url:
            yield url
    except ServerUnavailable as error:
        unavailable(str(error))


@pytest.fixture(scope="session")
def databases(backend, request, tmp_path_factory):
    if backend == "sqlite":
        manager = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    else:
        manager = PostgresDatabases(request.getfixturevalue("postgres_url"))
    yield manager
    manager.close()


@pytest.fixture
def database_url(databases, tmp_path):
    url = databases.fresh(tmp_path)
    yield url
    databases.drop(url)


# Result files of the jobs tests run, outside the project's instance/ folder.
JOB_RESULTS_DIR = tempfile.mkdtemp(prefix="ipbes-test-job-results-")
atexit.register(shutil.rmtree, JOB_RESULTS_DIR, ignore_errors=True)


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URL": "memory://",
        "MAIL_BACKEND": "outbox",
        "BASE_URL": "http://localhost",
        # Jobs run at once where they are queued; tests/core/test_jobs.py also runs them in a real worker.
        "JOBS_IMMEDIATE": True,
        "JOB_RESULTS_DIR": JOB_RESULTS_DIR,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_with(database_url):
    """Builds more apps on the test's database, with other settings (`app_with(WTF_CSRF_ENABLED=True)`)
    or standing for other processes; their connections are closed after the test."""
    apps = []

    def build(**overrides):
        apps.append(make_app(database_url, **overrides))
        return apps[-1]

    yield build
    for application in apps:
        application.extensions["db_engine"].dispose()


@pytest.fixture
def app(database_url):
    application = make_app(database_url)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(runner):
    """The demo data (`flask seed-demo`) at a twentieth of its size: six focal points, three waves,
    every record type. The runner, to run more commands on it."""
    result = runner.invoke(args=["seed-demo", "--scale", "0.05"])
    assert result.exit_code == 0, result.output
    return runner


@pytest.fixture
def session(app):
    """A session of the test's own, outside any request: requests never share it.

    Call `session.expire_all()` before reading what a request has changed.
    """
    from sqlmodel import Session

    with Session(app.extensions["db_engine"]) as db_session:
        yield db_session


class AuthActions:
    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, email: str, password: str = factories.DEFAULT_PASSWORD):
        return self.client.post("/account/login", data={"email": email, "password": password})

    def login_with_csrf(self, email: str, password: str = factories.DEFAULT_PASSWORD):
        """Sign in as a browser does where CSRF protection is on: the form's token posted back."""
        form = self.client.get("/account/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        response = self.client.post("/account/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.status_code
        return response

    def logout(self):
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def secretariat(session, auth):
    """A secretariat officer (`factories.SECRETARIAT`), signed in on `client`."""
    user = factories.make_secretariat(session)
    auth.login(user.email)
    return user


def outbox_links(session, to: str) -> list[str]:
    """Links in the messages sent to `to`, newest message first."""
    from core.mail import list_outbox

    messages, _ = list_outbox(session, to=to)
    return [link for message in messages for link in re.findall(r"https?://\S+", message.body)]


def comparable_page(response, *addresses: str) -> str:
    """A page with per-request noise (CSRF tokens) and the given addresses blanked out."""
    page = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', response.get_data(as_text=True))
    for address in addresses:
        page = page.replace(address, "ADDRESS")
    return page
