"""Rate limits on the cache (Redis in production), and the one client-address helper.

`client_address(request)` is the ONLY place that reads X-Forwarded-For (a test greps the
code base for it). The header is written by whoever sends the request, so only the hops
that our own proxies appended are believed:

- settings.TRUSTED_PROXY_COUNT = n (default 0): the n proxies in front of the application
  each append the address they received the request from; the client is the n-th value
  from the right. 0 means no proxy: REMOTE_ADDR, the header ignored.
- settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", ...]: when REMOTE_ADDR is one of these
  networks, the client is the right-most X-Forwarded-For value outside them.

    from essor.core.ratelimit import client_address, ratelimit

    @ratelimit("my-form", limit=10, period=3600)      # per client address, POST only
    def my_view(request): ...

Login failures are also counted per account (`login_locked`, `record_login_failure`),
whatever the address, so rotating addresses gains nothing.
"""

import hashlib
import ipaddress
import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


@lru_cache(maxsize=8)
def _networks(specs):
    return tuple(ipaddress.ip_network(spec, strict=False) for spec in specs)


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request):
    """The address of the client, as far as our own proxies vouch for it (a string)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    networks = _networks(tuple(settings.TRUSTED_PROXY_NETWORKS))
    if not count and not networks:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if networks:
        address = _parse(remote)
        if address is None or not any(address in net for net in networks):
            return remote  # not through our proxies: the header is anyone's
        for hop in reversed(hops):
            parsed = _parse(hop)
            if parsed is None:
                return remote
            if not any(parsed in net for net in networks):
                return str(parsed)
        return str(_parse(hops[0])) if hops else remote
    if not hops:
        return remote
    # Fewer hops than proxies: the left-most is still one that a trusted proxy wrote.
    parsed = _parse(hops[-count] if len(hops) >= count else hops[0])
    return str(parsed) if parsed is not None else remote


def rate_key(request):
    """The client address as a rate-limit key: a whole IPv6 /64, which one subscriber
    usually holds, counts as one address."""
    address = _parse(client_address(request))
    if address is None:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


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


def too_many_requests(request, retry_after, message=None):
    response = render(
        request,
        "core/too_many_requests.html",
        {"retry_after": retry_after, "message": message},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope, limit, period, methods=("POST",)):
    """Limit a view to `limit` requests per `period` seconds and client address.

    Over the limit the view answers 429 with a French message and Retry-After."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                retry_after = hit(f"{scope}:{rate_key(request)}", limit, period)
                if retry_after:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- Per-account login back-off ----------------------------------------------------------
# After LOGIN_FAILURE_LIMIT wrong passwords for one account, that account refuses every
# attempt (even the right password) for LOGIN_LOCKOUT_SECONDS; a password reset lifts it.


def _account_key(identifier):
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_locked(identifier):
    """Seconds until the account accepts logins again, or 0."""
    key = _account_key(identifier)
    if (cache.get(key) or 0) < settings.LOGIN_FAILURE_LIMIT:
        return 0
    return max(1, int((cache.get(key + ":until") or 0) - time.time()))


def record_login_failure(identifier):
    # incr is atomic on Redis: concurrent wrong guesses are all counted.
    key, lockout = _account_key(identifier), settings.LOGIN_LOCKOUT_SECONDS
    cache.add(key, 0, timeout=lockout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=lockout)
    # Each failure pushes the end of the lockout back.
    cache.touch(key, lockout)
    cache.set(key + ":until", time.time() + lockout, timeout=lockout)


def clear_login_failures(identifier):
    key = _account_key(identifier)
    cache.delete_many([key, key + ":until"])
