"""Reads on PostgreSQL streaming replicas, writes on the primary (issue 20.6).

With `DATABASE_REPLICA_URLS` set, settings add one database alias per replica
(`replica1`, `replica2`…), install `PrimaryReplicaRouter` and `ReplicaReadsMiddleware`
reads them. Without it, nothing here is used: every query goes to `default`.

Who reads where:

- a request with a safe method (GET, HEAD, OPTIONS) reads from one replica, drawn at its
  start and kept for the whole request (one consistent snapshot);
- its first write through the ORM (a `select_for_update()` too: the ORM routes it as a
  write) turns the rest of the request to the primary: it reads what it wrote. Raw SQL
  picks its connection itself: `connections[router.db_for_read(Model)]` to read, `default`
  to write;
- a read inside an open transaction of the primary (`transaction.atomic()`) goes to the
  primary: a read-then-write must not read a replica's older state;
- a request after one that wrote reads from the primary for `REPLICA_PIN_SECONDS` (a
  cookie): a login, a form's redirect, read their own writes whatever the replicas' lag;
- every other method (POST…) and everything outside a request — commands, the task
  worker, the shell — reads from the primary.
"""

import contextvars
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_COOKIE = "essor_primary"
# Longer than the replication lag of a healthy standby (milliseconds) by far.
REPLICA_PIN_SECONDS = 10


@dataclass
class _Reads:
    alias: str | None  # the replica this request reads from; None: the primary
    wrote: bool = False


# Set by the middleware for each request; outside a request, None: the primary.
_reads = contextvars.ContextVar("essor_reads", default=None)


def reading_alias():
    """The alias the current reads go to."""
    reads = _reads.get()
    if reads is None or reads.alias is None or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return reads.alias


def pin_to_primary():
    """The rest of the current request reads from the primary."""
    reads = _reads.get()
    if reads is not None:
        reads.alias = None
        reads.wrote = True


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return reading_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one is the same object.
        return True

    def allow_migrate(self, db, app_label, **hints):
        # Replicas follow the primary's WAL: migrations run on the primary only.
        return None if db not in settings.DATABASE_REPLICAS else False


class ReplicaReadsMiddleware:
    """Chooses where a request reads (see the module's docstring); first in MIDDLEWARE,
    so that the session and the user are read from the same place as the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = settings.DATABASE_REPLICAS
        alias = None
        if replicas and request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES:
            alias = random.choice(replicas)  # noqa: S311 - spreading load, not a secret
        reads = _Reads(alias)
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if replicas and (reads.wrote or request.method not in SAFE_METHODS):
            response.set_cookie(
                PIN_COOKIE, "1", max_age=REPLICA_PIN_SECONDS, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        return response
