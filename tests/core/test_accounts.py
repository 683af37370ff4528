import pytest
from sqlmodel import select

from core.accounts.models import Role, User
from core.audit import AuditEvent
from core.mail import OutboxMessage
from tests.conftest import comparable_page, outbox_links
from tests.factories import DEFAULT_PASSWORD, make_user

NEW = {
    "name": "Amina Diallo",
    "email": "Amina@Example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
    "locale": "fr",
    "country": "SN",
    "category": "science",
    "stakeholder_type": "contributor",
    "gender": "female",
    "sector": "academia",
    "data_processing": "y",
}


def _register(client, **changes):
    return client.post("/account/register", data={**NEW, **changes})


def _verify_link(session, email):
    return next(link for link in outbox_links(session, email) if "/account/verify/" in link)


def test_register_verify_and_sign_in(client, session, auth):
    response = _register(client)
    assert response.status_code == 200
    assert "amina@example.org" in response.get_data(as_text=True).lower()

    user = session.exec(select(User).where(User.email == "amina@example.org")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash
    assert user.email_verified_at is None and user.role == Role.STAKEHOLDER

    # Not verified yet: sign-in sends the person to confirm first.
    response = auth.login("amina@example.org", "a long passphrase")
    assert response.headers["Location"].endswith("/account/verify")

    message = session.exec(select(OutboxMessage)).one()
    assert message.locale == "fr" and "Amina Diallo" in message.body  # in the chosen language
    link = _verify_link(session, "amina@example.org")
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/login")

    response = auth.login("AMINA@example.org ", "a long passphrase")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_verification_link_works_once(client, session):
    _register(client)
    path = _verify_link(session, "amina@example.org").replace("http://localhost", "")
    assert client.get(path).status_code == 302
    assert client.get(path).status_code == 400


def test_forged_verification_link_is_refused(client, session):
    _register(client)
    path = _verify_link(session, "amina@example.org").replace("http://localhost", "")
    assert client.get(path[:-3] + "abc").status_code == 400


def test_registration_does_not_reveal_existing_accounts(client, session):
    make_user(session, email="known@example.org")
    first = _register(client, email="known@example.org")
    second = _register(client, email="unknown@example.org")
    assert first.status_code == second.status_code == 200
    assert comparable_page(first, "known@example.org") == comparable_page(second, "unknown@example.org")
    # The owner of the existing account is told, and nothing about the account changed.
    messages = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "known@example.org")).all()
    assert len(messages) == 1 and "/account/forgot" in messages[0].body
    assert session.exec(select(User).where(User.email == "known@example.org")).one().name == "Test Person"


def test_registration_form_errors_keep_what_was_typed(client):
    response = _register(client, confirm="something else", email="not-an-email")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Amina Diallo"' in page and 'value="not-an-email"' in page
    assert 'aria-invalid="true"' in page
    assert "The two passwords do not match." in page


def test_login_failure_does_not_reveal_whether_the_email_exists(client, session, auth):
    make_user(session, email="known@example.org")
    wrong_password = auth.login("known@example.org", "wrong password!")
    unknown_email = auth.login("nobody@example.org", "wrong password!")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert comparable_page(wrong_password, "known@example.org") == comparable_page(unknown_email, "nobody@example.org")


def test_repeated_failed_logins_are_throttled_even_with_the_right_password(client, session, auth):
    make_user(session, email="target@example.org")
    for _ in range(5):
        assert auth.login("target@example.org", "guess guess").status_code == 401
    response = auth.login("target@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # Other accounts are not locked out by one person's failures.
    make_user(session, email="other@example.org")
    assert auth.login("other@example.org").status_code == 302
    session.expire_all()
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("login.failed") == 5 and "login.throttled" in actions


def test_logout_is_a_post_and_ends_copied_sessions(app, session, auth, client):
    make_user(session, email="someone@example.org")
    auth.login("someone@example.org")
    assert client.get("/account/logout").status_code == 405

    stolen = app.test_client()
    cookie = client.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/account/").status_code == 200

    auth.logout()
    response = stolen.get("/account/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app, session, auth, client):
    make_user(session, email="someone@example.org")
    auth.login("someone@example.org")
    other_device = app.test_client()
    AuthLogin = other_device.post("/account/login", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD})
    assert AuthLogin.status_code == 302

    response = client.post(
        "/account/password",
        data={"current_password": "wrong one!", "password": "new long password", "confirm": "new long password"},
    )
    assert "Your current password is not correct." in response.get_data(as_text=True)

    response = client.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "password": "new long password", "confirm": "new long password"},
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    client.post("/account/logout")
    assert (
        client.post(
            "/account/login", data={"email": "someone@example.org", "password": "new long password"}
        ).status_code
        == 302
    )


def _reset_link(client, session, email):
    client.post("/account/forgot", data={"email": email})
    return next(link for link in outbox_links(session, email) if "/account/reset/" in link).replace(
        "http://localhost", ""
    )


def test_password_reset_is_single_use(client, session, auth):
    make_user(session, email="someone@example.org")
    page = client.post("/account/forgot", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert "If an account exists" in page
    path = _reset_link(client, session, "someone@example.org")
    assert client.get(path).status_code == 200
    data = {"password": "brand new password", "confirm": "brand new password"}
    assert client.post(path, data=data).status_code == 302
    assert client.post(path, data=data).status_code == 400  # used
    assert auth.login("someone@example.org", "brand new password").status_code == 302


def test_password_reset_link_expires_within_an_hour(client, session, monkeypatch):
    import itsdangerous.timed

    make_user(session, email="someone@example.org")
    path = _reset_link(client, session, "someone@example.org")
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 59 * 60)
    assert client.get(path).status_code == 200
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 61 * 60)
    assert client.get(path).status_code == 400


def test_reset_ends_existing_sessions(app, client, session, auth):
    make_user(session, email="someone@example.org")
    signed_in = app.test_client()
    signed_in.post("/account/login", data={"email": "someone@example.org", "password": DEFAULT_PASSWORD})
    path = _reset_link(client, session, "someone@example.org")
    client.post(path, data={"password": "brand new password", "confirm": "brand new password"})
    assert signed_in.get("/account/").status_code == 302


def test_settings_save_language_and_time_zone(client, session, auth):
    user = make_user(session, email="someone@example.org")
    auth.login("someone@example.org")
    response = client.post("/account/", data={"name": "New Name", "locale": "es", "timezone": "America/Bogota"})
    assert response.status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert (user.name, user.locale, user.timezone) == ("New Name", "es", "America/Bogota")
    assert 'lang="es"' in client.get("/").get_data(as_text=True)


def test_create_user_command_makes_a_verified_staff_account(runner, session):
    result = runner.invoke(
        args=["create-user", "--role", "secretariat", "staff@example.org"],
        input="a strong password\na strong password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "staff@example.org")).one()
    assert user.role == "secretariat" and user.email_verified_at is not None
    assert user.password_hash.startswith("$argon2")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "focal_point"], "focal point must be bound"),
        (["--role", "focal_point", "--country", "ZZ"], "focal point must be bound"),
    ],
)
def test_create_user_command_requires_a_country_for_focal_points(runner, args, message):
    result = runner.invoke(
        args=["create-user", *args, "fp@example.org"], input="a strong password\na strong password\n"
    )
    assert result.exit_code != 0 and message in result.output


def test_create_focal_point(runner, session):
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "focal_point",
            "--country",
            "ke",
            "fp@example.org",
            "--password",
            "a strong password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert session.exec(select(User).where(User.email == "fp@example.org")).one().focal_country == "KE"


def test_the_time_zone_picker_offers_current_zones_named_in_the_readers_language(client, session, auth):
    make_user(session, email="tz@example.org")
    auth.login("tz@example.org")
    client.set_cookie("lang", "fr")
    page = client.get("/account/").get_data(as_text=True)
    menu = page[page.index('name="timezone"') : page.index("</select>", page.index('name="timezone"'))]
    assert 'value="Europe/Paris"' in menu and "Paris — heure d’Europe centrale" in menu
    assert 'value="Europe/Kyiv"' in menu and 'value="Asia/Kolkata"' in menu
    for deprecated in ("US/Eastern", "Europe/Kiev", "Asia/Calcutta", "Factory"):
        assert f'value="{deprecated}"' not in menu, deprecated


def test_a_saved_deprecated_time_zone_is_still_offered(client, session, auth):
    user = make_user(session, email="old-tz@example.org")
    user.timezone = "US/Eastern"
    session.add(user)
    session.commit()
    auth.login("old-tz@example.org")
    page = client.get("/account/").get_data(as_text=True)
    assert 'value="US/Eastern" selected' in page or 'selected value="US/Eastern"' in page
