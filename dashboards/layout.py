"""The page shell and the filter bar, built per request in the user's language.

`shell` is Dash's layout function: the header, the navigation, and empty places that the
callbacks fill from the URL (controls, page body). Control ids are pattern-matching dicts
`{"type": "control", "name": <filter>}` so one callback reads whichever controls a page shows.
"""

from __future__ import annotations

from dash import dcc, html
from flask import url_for
from flask_babel import gettext as _

from core.reference.regions import REGIONAL_GROUPS
from dashboards.filters import Filters
from stakeholders import vocabularies as registry_vocab

BASE = "/dashboard/"


def control_id(name: str) -> dict:
    return {"type": "control", "name": name}


def shell():
    return html.Div(
        className="dashboard",
        children=[
            dcc.Location(id="url", refresh=False),
            dcc.Location(id="goto", refresh=True),  # the report button opens its job's page
            html.A(_("Skip to the figures"), href="#page", className="skip-link"),
            html.Header(
                className="dashboard-header",
                children=[
                    html.P(html.A(_("IPBES stakeholder engagement"), href=url_for("pages.home")), className="brand"),
                    html.H1(_("Engagement indicators"), id="dashboard-title"),
                ],
            ),
            html.Nav(id="nav", className="dashboard-nav", **{"aria-label": _("Dashboard pages")}),
            html.Section(id="controls", className="dashboard-controls", **{"aria-label": _("Filters")}),
            dcc.Loading(
                html.Main(id="page", className="dashboard-page", tabIndex="-1"), type="default", delay_show=300
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
    element_id = f"control-{name}"
    return html.Div(
        className="control",
        children=[
            html.Label(label, htmlFor=element_id),
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
