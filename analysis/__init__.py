"""Engagement indicators and survey statistics: pure functions over pandas DataFrames.

Nothing here imports Flask, Dash or the database; `surveys.frame.responses_frame` is the
only road in.
"""
