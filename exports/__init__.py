"""Anonymised releases of survey microdata: k-anonymous, pseudonymised, with codebook and report."""
