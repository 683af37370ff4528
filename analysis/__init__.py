"""Pure pandas/statsmodels analysis of survey and registry frames; imports nothing from Flask, Dash or the database."""
