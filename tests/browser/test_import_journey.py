"""The secretariat imports a stakeholder file with one bad row: the row and column are named, nothing is imported."""

import re

from playwright.sync_api import expect

from core.accounts.models import User
from core.imports.models import PendingImport
from stakeholders.models import Stakeholder
from tests.browser.actions import sign_in
from tests.factories import SECRETARIAT, make_secretariat
from tests.reading import row_count

FILE = (
    "email,name,country,category,gender\n"
    "amina@example.org,Amina Diallo,SN,science,female\n"
    "ivan@example.org,Ivan Petrov,Narnia,policymaker,male\n"
    "li.wei@example.org,李伟,CN,Scientific community,\n"
).encode()


def test_secretariat_sees_the_bad_row_and_nothing_is_imported(live_server, new_page, session):
    make_secretariat(session)

    page = new_page()
    sign_in(page, live_server.url, SECRETARIAT)
    expect(page.get_by_role("link", name="Secretariat Officer")).to_be_visible()

    page.goto(f"{live_server.url}/staff/registry/import")
    page.get_by_label("What the file holds").select_option(label="Stakeholders")
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        {"name": "new-stakeholders.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Check the file").click()

    # The check runs as a background job; its page becomes the report once the job has finished.
    expect(page).to_have_url(re.compile(r"/staff/registry/import/jobs/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_role("alert")).to_contain_text("1 problem in the file")
    problem_rows = page.get_by_role("table", name="Problems, by row and column").locator("tbody tr")
    expect(problem_rows).to_have_count(1)
    expect(problem_rows.first.get_by_role("rowheader")).to_have_text("3")
    expect(problem_rows.first.locator("td").nth(0)).to_have_text("country")
    expect(problem_rows.first.locator("td").nth(1)).to_have_text("Narnia is not a recorded country.")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    # The preview shows the rows as they are in the file, Chinese names included.
    expect(page.get_by_role("table", name="Preview of the first rows of the file")).to_contain_text("李伟")

    session.expire_all()
    assert row_count(session, Stakeholder) == 0
    assert row_count(session, User) == 1  # the secretariat member only
    assert row_count(session, PendingImport) == 0  # an invalid file is not kept
