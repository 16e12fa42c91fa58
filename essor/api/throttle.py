import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from essor.core.ratelimit import hit, rate_key

from .responses import wants_csv

# Requests per minute and client IP; settings.ESSOR_API_RATE_LIMIT overrides it, and
# None there switches the limit off (the schemathesis run does).
DEFAULT_RATE_LIMIT = {"json": 60, "csv": 10}
RATE_LIMIT_PERIOD = 60


class ClientIpThrottle(BaseThrottle):
    """Fixed-window limit per client address (essor.core.ratelimit.client_address, which
    believes only our own proxies), on the platform's shared rate limiter."""

    def __init__(self):
        # One instance serves every request: the wait of this thread's request is here.
        self._local = threading.local()

    def allow_request(self, request):
        limits = getattr(settings, "ESSOR_API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        if not limits:
            return True
        scope = "csv" if wants_csv(request) else "json"
        limit = limits.get(scope, DEFAULT_RATE_LIMIT[scope])
        retry_after = hit(f"api-{scope}:{rate_key(request)}", limit, RATE_LIMIT_PERIOD)
        self._local.retry_after = retry_after
        return not retry_after

    def wait(self):
        return getattr(self._local, "retry_after", None) or None
