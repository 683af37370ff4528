"""XLSForm workbooks in and out: `reading.parse_xlsform` builds a Definition, `writing.definition_to_xlsform`
writes one.

pyxform reads the workbook the standard way (so a form that ODK or KoboToolbox would refuse is
refused here too); openpyxl reads the same rows again because our checks need the sheet, row and
column of each problem and pyxform knows nothing of our extra columns (pii, quasi, indicator,
profile) or of the six-language rule. Our own checks run first and report every problem they
find; pyxform, which stops at its first error, only speaks when ours found nothing.

The modules: `columns` (the columns a workbook has), `problems` (what a refusal says),
`sheets` (rows of a sheet as text), `choices` and `settings` (those sheets), `survey` (the
survey sheet: pages, grids, questions), `pyxform_check`, `reading` and `writing`.
docs/xlsform.md is the guide for survey authors.
"""
