"""The presentation model the plenary report and the dashboard share: frames in, sections out.

`model` holds the types (`Section` of a `Card`, `Figure`s with their `Table`s, `Table`s of `Row`s,
caveats and notes); `labels` turns codes and numbers into text in one language; `charts` draws the
figures; `weights` rakes each wave to the registry; `builder` computes the indicator groups over a
`data.ReportData` and makes their headline cards; `sections/` turns each group, and the survey
results, into a `Section`. No session, no request, no model: callers hand in frames read by the
domain packages' services, inside `flask_babel.force_locale(lang)`.
"""
