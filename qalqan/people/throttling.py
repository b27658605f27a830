"""Rate limit for public look-ups, per client address.

ninja's AnonRateThrottle keeps every request's timestamp in the cache (a list pickled on each call), which
costs more the higher the limit; this subclass counts requests in fixed windows with one atomic cache
increment, and reads `settings.API_RATE_PUBLIC` on every request so tests and benchmarks can change it.
"""
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import AnonRateThrottle


class PublicRateThrottle(AnonRateThrottle):
    scope = "public"

    def __init__(self, setting: str = "API_RATE_PUBLIC"):
        self.setting = setting
        super().__init__(getattr(settings, setting))

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = self.parse_rate(getattr(settings, self.setting))
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle:{self.scope}:{self.get_ident(request)}:{self.duration}:{window}"
        self.remaining = self.duration - (now - window * self.duration)
        if cache.add(key, 1, self.duration + 1):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, self.duration + 1)
            return True
        return count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "remaining", None)


def allow_public_request(request, _throttle=PublicRateThrottle()) -> bool:
    """The same limit, for the public pages."""
    return _throttle.allow_request(request)
