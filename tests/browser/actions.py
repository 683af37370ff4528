"""What a person does in the browser, shared by every journey."""

from tests.factories import DEFAULT_PASSWORD


def sign_in(page, base: str, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(f"{base}/account/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/login" not in url)  # the next navigation must not cancel the sign-in


def start_registration(page, base: str, name: str, email: str, password: str) -> None:
    """Open the registration form and say who you are; the journey chooses the rest."""
    page.goto(f"{base}/account/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_label("Gender", exact=True).select_option("female")  # required, and nothing is chosen for you
