"""A fixed-window rate limit on the cache (Redis in production)."""

import time
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render


def client_ip(request):
    # Behind the production reverse proxy, the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def hit(key, limit, period):
    """Count one hit on `key`; return 0 if allowed, else the seconds until the window ends."""
    window = int(time.time() // period)
    cache_key = f"rl:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * period - time.time()))


def ratelimit(scope, limit, period, methods=("POST",)):
    """Limit a view to `limit` requests per `period` seconds and client IP.

    Over the limit the view answers 429 with a French message and Retry-After."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                retry_after = hit(f"{scope}:{client_ip(request)}", limit, period)
                if retry_after:
                    response = render(
                        request,
                        "core/too_many_requests.html",
                        {"retry_after": retry_after},
                        status=429,
                    )
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
