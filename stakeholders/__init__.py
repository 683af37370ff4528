"""Stakeholder registry: profiles, organisations, focal point rosters, participation (issue 3)."""
