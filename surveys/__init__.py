"""Survey instruments (XLSForm), waves, invitations, responses, and the tidy frame for analysis."""
