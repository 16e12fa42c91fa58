"""Reads on PostgreSQL replicas, writes on the primary (issue 20.6, essor/core/replicas.py).

The routing rules are checked on any database; the search served by a real hot standby
(tests/standby.py: `pg_basebackup -R` of the test server, started on another port) runs
whenever the suite runs on PostgreSQL, and fails — never skips — if the standby cannot
start there."""

import json

import pytest
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from essor.core.replicas import PIN_COOKIE, PRIMARY, ReplicaReadsMiddleware, reading_alias
from essor.directory.enums import EssFamily
from essor.directory.models import Organisation
from essor.search.backends import SearchFilters, get_backend, memory
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.territories import LIMOGES, TULLE, commune
from tests.standby import HotStandby

REPLICA = "replica1"
with_a_replica = override_settings(
    DATABASE_REPLICAS=[REPLICA], DATABASE_ROUTERS=["essor.core.replicas.PrimaryReplicaRouter"]
)


def through_middleware(request, view):
    """`view(request)` run as the request's view, behind ReplicaReadsMiddleware."""
    return ReplicaReadsMiddleware(view)(request)


def reads_of(request, during=None):
    """Where the view's reads go: before and after `during()` (a step of the view)."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Organisation))
        if during:
            during()
            seen.append(router.db_for_read(Organisation))
        return HttpResponse()

    response = through_middleware(request, view)
    return seen, response


# --- the rules, on any database ----------------------------------------------------------


def test_without_replicas_every_query_goes_to_the_primary():
    assert router.db_for_read(Organisation) == PRIMARY
    seen, response = reads_of(RequestFactory().get("/annuaire/"))
    assert seen == [PRIMARY]
    assert PIN_COOKIE not in response.cookies


@with_a_replica
def test_a_get_request_reads_from_a_replica_and_a_post_from_the_primary():
    assert reads_of(RequestFactory().get("/annuaire/"))[0] == [REPLICA]
    assert reads_of(RequestFactory().head("/annuaire/"))[0] == [REPLICA]
    seen, response = reads_of(RequestFactory().post("/compte/"))
    assert seen == [PRIMARY]
    # The next requests of this browser read their own write, whatever the lag.
    assert response.cookies[PIN_COOKIE]["max-age"] == 10


@with_a_replica
def test_the_first_write_turns_the_rest_of_the_request_to_the_primary():
    def write():
        assert router.db_for_write(Organisation) == PRIMARY

    seen, response = reads_of(RequestFactory().get("/annuaire/"), during=write)
    assert seen == [REPLICA, PRIMARY]
    assert PIN_COOKIE in response.cookies


@with_a_replica
def test_a_row_lock_is_taken_on_the_primary_and_pins_the_request():
    seen, _ = reads_of(
        RequestFactory().get("/annuaire/"),
        during=lambda: Organisation.objects.select_for_update().db == PRIMARY or pytest.fail(),
    )
    assert seen == [REPLICA, PRIMARY]


@with_a_replica
def test_a_request_after_a_write_reads_from_the_primary():
    request = RequestFactory().get("/annuaire/")
    request.COOKIES[PIN_COOKIE] = "1"
    assert reads_of(request)[0] == [PRIMARY]


@with_a_replica
def test_reads_inside_a_transaction_go_to_the_primary(monkeypatch):
    monkeypatch.setattr(connections[PRIMARY], "in_atomic_block", True)
    assert reads_of(RequestFactory().get("/annuaire/"))[0] == [PRIMARY]


# Also what makes pytest-django create the test database when this file runs alone: the
# standby's tests below commit their rows outside any test transaction (a replica only
# sees what is committed), so they are not marked.
@pytest.mark.django_db
@with_a_replica
def test_a_transaction_reads_what_it_wrote():
    def read_then_write():
        with transaction.atomic():
            assert router.db_for_read(Organisation) == PRIMARY
            EssOrganisationFactory(name="Écrite dans la transaction")
            assert Organisation.objects.filter(name="Écrite dans la transaction").exists()

    seen, _ = reads_of(RequestFactory().get("/annuaire/"), during=read_then_write)
    assert seen == [PRIMARY, PRIMARY]  # inside the test's own transaction


@with_a_replica
def test_outside_a_request_reads_go_to_the_primary():
    # Commands, the task worker, the shell.
    assert reading_alias() == PRIMARY
    assert router.db_for_read(Organisation) == PRIMARY


def test_replicas_are_never_migrated():
    from essor.core.replicas import PrimaryReplicaRouter

    with with_a_replica:
        assert PrimaryReplicaRouter().allow_migrate(REPLICA, "directory") is False
        assert PrimaryReplicaRouter().allow_migrate(PRIMARY, "directory") is None


# --- a real hot standby (PostgreSQL) -------------------------------------------------------

NAMES = [
    ("Recyclerie du Limousin", EssFamily.ASSOCIATION, LIMOGES),
    ("Recyclerie coopérative de Tulle", EssFamily.COOPERATIVE, TULLE),
    ("Atelier vélo recyclerie", EssFamily.ASSOCIATION, TULLE),
]


def listed(name, family, where):
    organisation = EssOrganisationFactory(name=name, ess_family=family)
    EstablishmentFactory(organisation=organisation, commune=commune(where), unplaced=True)
    return organisation


@pytest.fixture(scope="module")
def standby(request, django_db_blocker):
    """The test database's organisations written and committed on the primary, a hot
    standby of the server, and its alias `replica1`; all removed after the module."""
    if connection.vendor != "postgresql":
        pytest.skip("Réplication en continu : PostgreSQL seulement (la suite sur SQLite).")
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        created = [listed(*row) for row in NAMES]
        server = HotStandby(connections[PRIMARY].settings_dict)
        try:
            server.start()
            replica = server.settings_dict()
            replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": PRIMARY}
            connections.settings[REPLICA] = replica
            yield server
        finally:
            if REPLICA in connections.settings:
                connections[REPLICA].close()
                del connections[REPLICA]
                del connections.settings[REPLICA]
            server.stop()
            Organisation.objects.filter(pk__in=[o.pk for o in created]).delete()


def search_both_ways(filters):
    return [get_backend(alias).search(filters, limit=50) for alias in (PRIMARY, REPLICA)]


def structures(client, **cookies):
    cache.clear()
    memory.forget()
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/api/structures/", {"q": "recyclerie", "facettes": "true"})
    assert response.status_code == 200
    return json.loads(response.content)


@with_a_replica
def test_a_search_served_by_the_standby_returns_what_the_primary_returns(
    standby, django_db_blocker
):
    with django_db_blocker.unblock():
        standby.catch_up()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)
        primary, replica = search_both_ways(SearchFilters(text="recyclerie"))
        assert replica.total == primary.total == 3
        assert (replica.ids, replica.facets) == (primary.ids, primary.facets)

        client = Client()
        with (
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
            CaptureQueriesContext(connections[PRIMARY]) as on_primary,
        ):
            from_replica = structures(client)
        assert any("directory_search" in q["sql"] for q in on_replica.captured_queries)
        assert not any("directory_search" in q["sql"] for q in on_primary.captured_queries)
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            from_primary = structures(client, **{PIN_COOKIE: "1"})
        assert not on_replica.captured_queries
        assert from_replica == from_primary
        assert from_replica["total"] == 3

        # A write on the primary: once replayed, the standby finds it too.
        added = listed("Recyclerie solidaire de Limoges", EssFamily.ASSOCIATION, LIMOGES)
        try:
            standby.catch_up()
            memory.forget()
            primary, replica = search_both_ways(SearchFilters(text="recyclerie"))
            assert replica.total == primary.total == 4
            assert (replica.ids, replica.facets) == (primary.ids, primary.facets)
            assert added.pk in replica.ids
        finally:
            added.delete()


@with_a_replica
def test_a_request_that_writes_reads_its_write_from_the_primary(standby, django_db_blocker):
    found = {}

    def view(request):
        found["first"] = reading_alias()
        organisation = listed(
            "Recyclerie écrite pendant la requête", EssFamily.ASSOCIATION, LIMOGES
        )
        found["pk"] = organisation.pk
        found["after"] = reading_alias()
        # Read right after the write: from the primary, which has it.
        found["seen"] = Organisation.objects.filter(pk=organisation.pk).exists()
        return HttpResponse()

    with django_db_blocker.unblock():
        try:
            response = through_middleware(RequestFactory().get("/annuaire/"), view)
        finally:
            Organisation.objects.filter(pk=found.get("pk")).delete()
    assert (found["first"], found["after"], found["seen"]) == (REPLICA, PRIMARY, True)
    assert PIN_COOKIE in response.cookies
