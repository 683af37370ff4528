"""The indicator dashboard (Dash), mounted inside the Flask app (issue 6)."""
