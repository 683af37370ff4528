"""The page shell and the filter bar, built per request in the user's language.

`shell` is Dash's layout function: the header, the navigation, and empty places that the
callbacks fill from the URL (controls, page body). Control ids are pattern-matching dicts
`{"type": "control", "name": <filter>}` so one callback reads whichever controls a page shows.
"""

from __future__ import annotations

import json

from dash import dcc, html
from flask_babel import gettext as _

from core.reference.regions import REGIONAL_GROUPS
from dashboards.filters import Filters
from stakeholders import vocabularies as registry_vocab

BASE = "/dashboard/"


LOADING_OVERLAY = {"visibility": "visible", "opacity": 0.5}


def control_id(name: str) -> dict:
    return {"type": "control", "name": name}


def element_id(component_id: dict) -> str:
    """The id Dash gives a pattern-matching component's element (its keys sorted, as JSON)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def shell():
    """The dashboard under the site's header (which `dashboards.mount` draws, with the skip link, before it)."""
    return html.Div(
        className="dashboard",
        children=[
            dcc.Location(id="url", refresh=False),
            dcc.Location(id="goto", refresh=True),  # the report button opens its job's page
            html.Div(html.H1(_("Engagement indicators"), id="dashboard-title"), className="dashboard-header"),
            html.Nav(id="nav", className="dashboard-nav", **{"aria-label": _("Dashboard pages")}),
            html.Section(id="controls", className="dashboard-controls", **{"aria-label": _("Filters")}),
            # A filter change keeps the page in view (dimmed, with the spinner over it) until the new one is drawn,
            # instead of blanking it: the reader keeps their place and sees what is being replaced.
            dcc.Loading(
                html.Main(id="page", className="dashboard-page", tabIndex="-1"),
                type="default",
                delay_show=300,
                overlay_style=LOADING_OVERLAY,
                parent_className="page-loading",
            ),
            dcc.Download(id="download"),
            html.Div(id="image-sink", hidden=True),
        ],
    )


def dropdown(
    name: str,
    label: str,
    options: list[tuple[str, str]],
    value,
    *,
    disabled: bool = False,
    multi: bool = False,
    clearable: bool = True,
    placeholder: str | None = None,
):
    return html.Div(
        className="control",
        children=[
            # The dropdown's button is the element named: dashboard.js adds the label to its aria-labelledby.
            html.Label(label, htmlFor=element_id(control_id(name)), id=f"label-{name}"),
            dcc.Dropdown(
                id=control_id(name),
                options=[{"label": text, "value": code} for code, text in options],
                value=value,
                disabled=disabled,
                multi=multi,
                clearable=clearable,
                placeholder=placeholder or _("All"),
                searchable=True,
                style={"minWidth": "12rem"},
                className="control-dropdown",
            ),
        ],
    )


def filter_bar(filters: Filters, waves, scope, countries: list[tuple[str, str]]) -> list:
    """The filters every page has; a focal point's country is fixed and the region hidden.
    `countries`: (code, name) of every country, in the reader's language."""
    wave_options = [(w.id, f"{w.name} ({w.year})") for w in reversed(waves)]
    controls = [dropdown("wave", _("Survey wave"), wave_options, filters.wave, clearable=False)]
    if scope.country is None:
        controls.append(
            dropdown(
                "regional_group",
                _("UN regional group"),
                [(code, str(label)) for code, label in REGIONAL_GROUPS.items()],
                filters.regional_group,
            )
        )
        controls.append(dropdown("country", _("Country"), countries, filters.country))
    else:
        controls.append(
            dropdown(
                "country",
                _("Country"),
                countries,
                scope.country,
                disabled=True,
                clearable=False,
            )
        )
    controls += [
        dropdown("category", _("Category"), registry_vocab.CATEGORY.choices(), filters.category),
        dropdown("gender", _("Gender"), registry_vocab.GENDER.choices(), filters.gender),
        dropdown(
            "knowledge_system",
            _("Knowledge system"),
            registry_vocab.KNOWLEDGE_SYSTEM.choices(),
            filters.knowledge_system,
        ),
    ]
    return controls


def navigation(pages, current, search: str) -> list:
    items = []
    for page in pages:
        href = BASE + page.path + search
        here = current is not None and page.path == current.path
        # dcc.Link takes no aria attributes: the item carries the mark and the class shows it.
        items.append(
            html.Li(
                dcc.Link(str(page.title), href=href, className="nav-link current" if here else "nav-link"),
                **({"aria-current": "page"} if here else {}),
            )
        )
    return [html.Ul(items)]
