import pytest
from sqlmodel import select

from core.accounts.models import User
from tests.conftest import make_app


def _accounts(session):
    session.expire_all()
    return [
        (u.email, u.name, u.role, u.focal_country, u.locale) for u in session.exec(select(User).order_by(User.email))
    ]


def test_seed_demo_is_deterministic_and_covers_every_role(runner, session, databases, tmp_path):
    assert runner.invoke(args=["seed-demo", "--seed", "7", "--scale", "0.05"]).exit_code == 0
    first = _accounts(session)
    roles = {role for _, _, role, _, _ in first}
    assert roles == {"admin", "secretariat", "focal_point", "stakeholder"}
    regions = {u.focal_country for u in session.exec(select(User).where(User.role == "focal_point"))}
    assert len(regions) >= 5

    other = make_app(databases.fresh(tmp_path))
    result = other.test_cli_runner().invoke(args=["seed-demo", "--seed", "7", "--scale", "0.05"])
    assert result.exit_code == 0
    from sqlmodel import Session

    with Session(other.extensions["db_engine"]) as other_session:
        assert _accounts(other_session) == first
    other.extensions["db_engine"].dispose()


def test_demo_accounts_can_sign_in(runner, client):
    runner.invoke(args=["seed-demo", "--scale", "0.05"])
    response = client.post(
        "/account/login", data={"email": "secretariat@demo.ipbes.example.org", "password": "ipbes-demo-2026"}
    )
    assert response.status_code == 302


def test_seed_demo_refuses_a_database_with_accounts(runner):
    assert runner.invoke(args=["seed-demo", "--scale", "0.05"]).exit_code == 0
    assert runner.invoke(args=["seed-demo", "--scale", "0.05"]).exit_code != 0
    result = runner.invoke(args=["seed-demo", "--if-empty", "--scale", "0.05"])
    assert result.exit_code == 0 and "not added" in result.output


def test_seed_demo_refuses_production(app, runner):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["seed-demo", "--scale", "0.05"])
    assert result.exit_code != 0 and "production" in result.output


def test_full_demo_registry_has_the_imbalances_ipbes_reports(runner, session, backend):
    from collections import Counter

    from core.reference.models import Country
    from stakeholders.models import Activity, Participation, Stakeholder

    if backend != "sqlite":
        pytest.skip("the full seed takes a while and its shape does not depend on the database")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    groups = Counter(
        session.exec(select(Country.regional_group).join(Stakeholder, Stakeholder.country == Country.iso2))
    )
    total = sum(groups.values())
    assert total == 2000 and groups["WEOG"] / total > 0.35 and groups["EEG"] / total < 0.1
    genders = Counter(session.exec(select(Stakeholder.gender)))
    assert 0.55 < genders["male"] / total < 0.65
    categories = Counter(session.exec(select(Stakeholder.category)))
    assert categories["business"] / total < 0.05 and categories["ilk"] / total < 0.05
    fellows = session.exec(select(Activity).where(Activity.title == "Call for fellows: nexus assessment")).one()
    roles = Counter(session.exec(select(Participation.role).where(Participation.activity_id == fellows.id)))
    assert roles == {"nominated": 221, "selected": 16}
