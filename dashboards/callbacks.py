"""The dashboard's callbacks, registered on its Dash instance (each `create_app()` has its own).

Callbacks are thin: they read the URL, confine the filters to the user's scope, ask `selection`
for the frames and a page for its content, and hand that to `components` or `downloads`. The URL
is the state: controls write the query string, and the page is drawn from it, so any view can be
shared as a link and a hand-made request cannot widen a focal point's view.
"""

from __future__ import annotations

from dataclasses import replace

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update
from flask_babel import get_locale
from flask_babel import gettext as _

from core.db import get_session
from core.reference.countries import country_choices
from dashboards import components, data, downloads, layout
from dashboards.filters import Filters
from dashboards.pages import page_for, pages
from dashboards.scope import Scope, current_scope
from dashboards.selection import select
from dashboards.view import PageContent, View, without_place


def _lang() -> str:
    return str(get_locale() or "en")


def view_for(search: str | None) -> View | None:
    """The view of the URL's filters, confined to the signed-in user's scope."""
    return view_in(get_session(), current_scope(), search, _lang())


def view_in(session, scope: Scope, search: str | None, lang: str) -> View | None:
    """The view of these filters, confined to `scope`, in `lang` (also what the report job builds)."""
    filters = Filters.parse(search).within(scope)
    selection = select(session, filters)
    if selection is None:
        return None
    view = View(selection, scope, lang)
    if scope.country is not None:
        view.compare = lambda: comparisons(session, view)
    return view


def comparisons(session, view: View) -> dict:
    """A focal point's own figures sit beside their regional group's and all countries'."""
    states, filters = view.selection.member_states, view.selection.filters
    region = states.loc[states["country"] == view.scope.country, "regional_group"]
    found = {}
    if len(region) and region.iloc[0]:
        found[view.lab.code("regional_group", region.iloc[0])] = select(session, without_place(filters, region.iloc[0]))
    found[_("All countries")] = select(session, without_place(filters))
    return found


def content_for(pathname: str | None, search: str | None) -> PageContent | None:
    """The page's content, computed once per page, filters, language, scope and state of the data."""
    page = page_for(pathname)
    if page is None:
        return PageContent(_("Page not found"), [], [_("There is no such page in the dashboard.")])
    view = view_for(search)
    if view is None:
        return PageContent(str(page.title), [], [_("No survey wave has been published yet.")])
    known = {w.id for w in view.selection.waves}  # the explorer's chosen waves, outside the history too
    chosen = data.wave_stamps(get_session(), [w for w in view.filters.waves if w in known])
    key = ":".join(
        [
            "dashboard:content",
            view.selection.key,
            page.path,
            view.filters.query(),
            view.lang,
            view.scope.country or "*",
            chosen,
        ]
    )
    return data.remembered(key, lambda: page.build(view))


def controls(pathname, search):
    """The filter bar, the page's own controls and the report button, for the URL's filters."""
    page = page_for(pathname)
    scope = current_scope()
    filters = Filters.parse(search).within(scope)
    session = get_session()
    selection = select(session, filters)
    waves = selection.waves if selection else []
    shown = selection.filters if selection else filters
    children = layout.filter_bar(shown, waves, scope, country_choices(session, _lang()))
    if page is not None and page.controls is not None and selection is not None:
        children += page.controls(View(selection, scope, _lang()))
    children.append(
        html.Div(
            className="control control-actions",
            children=[
                html.Button(_("Download the plenary report"), id="download-report", n_clicks=0, className="button"),
            ],
        )
    )
    return children


def navigation(pathname, search):
    return layout.navigation(pages(), page_for(pathname), search or "")


def to_url(_values, search):
    """The query string the controls' values make (confined to the user's scope)."""
    filters = Filters.parse(search)
    changes = {}
    for item in ctx.inputs_list[0]:
        name, value = item["id"]["name"], item.get("value")
        if name in ("waves",):
            changes[name] = tuple(int(v) for v in (value or []) if str(v).isdigit())
        elif name in ("weighted", "per_capita"):
            changes[name] = bool(value) and value not in ("0", "no")
        elif name == "wave":
            changes[name] = int(value) if value not in (None, "") else None
        elif name in Filters.__dataclass_fields__:
            changes[name] = value or None
    if "measure" in changes and changes["measure"] is None:
        changes["measure"] = "registered"
    query = replace(filters, **changes).within(current_scope()).query()
    return no_update if query == (search or "") else query


def page_body(pathname, search):
    return components.render(content_for(pathname, search))


def download_table(clicks, pathname, search):
    if not ctx.triggered_id or not any(clicks):
        return no_update
    index, fmt = str(ctx.triggered_id["index"]).split(":")
    return downloads.table_file(content_for(pathname, search), int(index), fmt)


def register(dash_app) -> None:
    """Wire the callbacks to `dash_app` (the report button's is dashboards.report_job's)."""
    dash_app.callback(Output("controls", "children"), Input("url", "pathname"), State("url", "search"))(controls)
    dash_app.callback(Output("nav", "children"), Input("url", "pathname"), Input("url", "search"))(navigation)
    dash_app.callback(
        Output("url", "search"),
        Input({"type": "control", "name": ALL}, "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )(to_url)
    dash_app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))(page_body)
    dash_app.callback(
        Output("download", "data", allow_duplicate=True),
        Input({"type": "download", "index": ALL}, "n_clicks"),
        State("url", "pathname"),
        State("url", "search"),
        prevent_initial_call=True,
    )(download_table)

    dash_app.clientside_callback(
        ClientsideFunction(namespace="ipbes", function_name="downloadImage"),
        Output("image-sink", "children"),
        Input({"type": "image", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
