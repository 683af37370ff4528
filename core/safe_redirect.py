"""Redirect targets taken from the request, limited to this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """A same-site path, or None. Rejects absolute and scheme-relative URLs, and control
    characters (a CR or LF cannot go into a Location header)."""
    if not target:
        return None
    target = target.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
