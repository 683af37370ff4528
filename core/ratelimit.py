"""Rate limits kept in a shared store (memory in development, Redis in production).

Built on the `limits` package, so counters live wherever RATELIMIT_STORAGE_URL points and
every process of the app sees the same counts.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class Throttle:
    def __init__(self, storage_url: str):
        self.storage = storage_from_string(storage_url)
        self.limiter = MovingWindowRateLimiter(self.storage)

    def allowed(self, limit: str, *key: str) -> bool:
        return self.limiter.test(parse(limit), *key)

    def hit(self, limit: str, *key: str) -> bool:
        return self.limiter.hit(parse(limit), *key)

    def retry_after(self, limit: str, *key: str) -> int:
        """Seconds until one more attempt is allowed (0 when allowed now)."""
        reset_at = self.limiter.get_window_stats(parse(limit), *key).reset_time
        return max(0, math.ceil(reset_at - time.time()))

    def clear(self, limit: str, *key: str) -> None:
        self.limiter.clear(parse(limit), *key)


def init_app(app: Flask) -> None:
    app.extensions["throttle"] = Throttle(app.config["RATELIMIT_STORAGE_URL"])


def get_throttle() -> Throttle:
    return current_app.extensions["throttle"]
