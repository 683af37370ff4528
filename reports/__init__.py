"""The plenary report: one self-contained HTML file of the six indicator groups and the survey results.

`data` reads the frames through the domain packages' services (the only module handed a session),
`build` assembles the report's context from the shared presentation model (`presentation/`:
sections, tables, figures), `render` fills the template, and `cli` is `flask --app app report`.
"""
