"""Engagement records: evidence of commitment, planned steps on barriers, impact records, concerns
raised and calls for input (decision IPBES-3/4, indicators 1, 2, 5 and 6)."""
