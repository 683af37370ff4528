"""The dashboard's page: the site's header (home, language switcher, sign out) after a skip link, menu entries
of distinct names, and a page that stays in view while a filter change loads."""

from __future__ import annotations

import pytest

from dashboards import layout
from dashboards.pages import pages
from tests.conftest import AuthActions
from tests.factories import make_secretariat


def test_the_dashboard_has_the_sites_header_after_a_skip_link(app, client, session):
    user = make_secretariat(session)
    AuthActions(client).login(user.email)

    page = client.get("/dashboard/group/participation?wave=1").get_data(as_text=True)

    body = page[page.index("<body") :]
    assert body.index('class="skip-link" href="#page"') < body.index('<header class="site-header">')
    assert body.index('<header class="site-header">') < body.index('id="react-entry-point"')
    assert (
        'class="language-switcher"' in body and 'action="/account/logout"' in body and 'class="brand" href="/"' in body
    )
    # The switcher comes back to the page it was used on.
    assert 'name="next" value="/dashboard/group/participation?wave=1"' in body


@pytest.mark.usefixtures("app")
def test_no_two_menu_entries_share_a_name(app):
    for lang in ("en", "fr", "ar", "zh", "ru", "es"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            names = [str(page.title) for page in pages()]
        assert len(set(names)) == len(names), (lang, names)


def test_a_filter_change_dims_the_page_instead_of_hiding_it(app):
    with app.test_request_context():
        shell = layout.shell()
    (loading,) = [child for child in shell.children if type(child).__name__ == "Loading"]
    assert loading.overlay_style["visibility"] == "visible"
