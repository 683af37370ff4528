"""The indicator dashboard: a Dash app mounted in the Flask app at /dashboard/.

`mount` creates it and guards every route (`mount.init_app`); `data` loads and caches frames
through the domain packages' services; `filters` keeps the state in the URL; `selection` narrows
frames to the filters; `pages/` turn a selection into content (the presentation model's cards,
figures and tables); `components` draws that content; `callbacks` wire it together; `downloads`
hands out tables and the plenary report (rendered by the function `mount.init_app` is given).
"""
