"""The plenary report: one self-contained HTML file of the six indicator groups and the survey results.

`data` reads the frames from the database (the only module touching a session), `build` turns
them into a context of sections, tables and figures, `charts` draws the figures, `render` fills
the template, and `cli` is `flask --app app report`.
"""
