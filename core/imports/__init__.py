"""The import framework every secretariat import shares: read a CSV/XLSX table (`tables`), check
every row (`cells`, `report`), keep the upload until confirmed (`pending`, `models`), write all or
nothing (`importer`), and serve the pages (`views`).

A family of imports (the registry's, the engagement records') brings its kinds of file and its
validation as an `Importer`, its own templates extending core/templates/imports/, and thin
blueprint views that call `ImportPages`.
"""
