from sqlmodel import select

from core.accounts.models import User
from tests.conftest import make_app


def _accounts(session):
    session.expire_all()
    return [(u.email, u.name, u.role, u.focal_country, u.locale) for u in session.exec(select(User).order_by(User.email))]


def test_seed_demo_is_deterministic_and_covers_every_role(runner, session, databases, tmp_path):
    assert runner.invoke(args=["seed-demo", "--seed", "7"]).exit_code == 0
    first = _accounts(session)
    roles = {role for _, _, role, _, _ in first}
    assert roles == {"admin", "secretariat", "focal_point", "stakeholder"}
    regions = {u.focal_country for u in session.exec(select(User).where(User.role == "focal_point"))}
    assert len(regions) >= 5

    other = make_app(databases.fresh(tmp_path))
    result = other.test_cli_runner().invoke(args=["seed-demo", "--seed", "7"])
    assert result.exit_code == 0
    from sqlmodel import Session

    with Session(other.extensions["db_engine"]) as other_session:
        assert _accounts(other_session) == first
    other.extensions["db_engine"].dispose()


def test_demo_accounts_can_sign_in(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post("/account/login", data={"email": "secretariat@demo.ipbes.example.org", "password": "ipbes-demo-2026"})
    assert response.status_code == 302


def test_seed_demo_refuses_a_database_with_accounts(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not added" in result.output


def test_seed_demo_refuses_production(app, runner):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
