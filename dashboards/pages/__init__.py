"""The dashboard's pages: each has a path under /dashboard/, a title, its own controls (besides the
filter bar every page has) and a function from a `View` to its `PageContent` (`dashboards.view.Page`)."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from dashboards.pages import diversity, explorer, groups, overview
from dashboards.pages import map as world_map
from dashboards.scope import disclosed
from dashboards.view import Page
from presentation.builder import GROUP_TITLES


def pages() -> list[Page]:
    found = [Page("", _l("Overview"), overview.build)]
    found += [Page(f"group/{group}", title, groups.builder(group)) for group, title in GROUP_TITLES.items()]
    found += [explorer.PAGE, world_map.PAGE, diversity.PAGE]
    # What a focal point sees of any page goes through the one disclosure rule.
    return [replace(page, build=disclosed(page.build)) for page in found]


def page_for(pathname: str | None) -> Page | None:
    path = (pathname or "").split("/dashboard/", 1)[-1].strip("/")
    for page in pages():
        if page.path == path:
            return page
    return None
