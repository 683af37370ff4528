"""The pages every secretariat import shares: upload, check and preview, confirm or cancel.

A family of imports (the registry's, the engagement records') brings its service as an
`Importer` (stakeholders/importing.py), its own templates extending core/templates/imports/,
and thin blueprint views that call `ImportPages`.
"""
