"""Plumbing shared by every part of the platform: config, database, i18n, auth, mail, CLI."""
