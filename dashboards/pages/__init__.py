"""The dashboard's pages: each has a path under /dashboard/, a title, its own controls (besides the
filter bar every page has) and a function from a `View` to its `PageContent`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from presentation.builder import GROUP_TITLES


@dataclass(frozen=True)
class Page:
    path: str  # under /dashboard/, "" for the overview
    title: object  # lazy string
    build: Callable  # View -> PageContent
    controls: Callable | None = None  # View -> the page's own controls (components)


def pages() -> list[Page]:
    from dashboards.pages import diversity, explorer, groups, map, overview

    found = [Page("", _l("Overview"), overview.build)]
    found += [Page(f"group/{group}", title, groups.builder(group)) for group, title in GROUP_TITLES.items()]
    return found + [explorer.PAGE, map.PAGE, diversity.PAGE]


def page_for(pathname: str | None) -> Page | None:
    path = (pathname or "").split("/dashboard/", 1)[-1].strip("/")
    for page in pages():
        if page.path == path:
            return page
    return None
