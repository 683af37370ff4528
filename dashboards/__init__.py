"""The indicator dashboard: a Dash app mounted in the Flask app at /dashboard/.

`mount` creates it and guards every route; `data` loads and caches frames; `filters` keeps the
state in the URL; `selection` narrows frames to the filters; `pages/` turn a selection into
content (the report's cards, figures and tables); `components` draws that content; `callbacks`
wire it together; `downloads` hands out tables and the plenary report.
"""


def init_app(app):
    from dashboards.mount import init_app as mount

    return mount(app)
