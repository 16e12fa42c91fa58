"""The permission matrix (issue 12, guards): every URL pattern of the resolver and every
API route, for the anonymous visitor and each demo role, on another organisation's ids.

Generated from the URL resolver: a route that tests/permissions/table.py does not declare
fails `test_every_route_is_declared`, with the line to add. Each declared route is then
requested by every role and must answer what the table says; on another organisation's
objects, a forged POST by each refused role is refused and changes nothing."""

import hashlib
from urllib.parse import urlencode, urlparse

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions import LOGIN, NOT_STAFF, OK, REFUSED, ROLES
from tests.permissions.table import ADMIN_NAMESPACE, ROUTES
from tests.permissions.world import World, demo_accounts


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from walk(
                pattern.url_patterns, ":".join(part for part in (namespace, inner) if part)
            )
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def resolver_routes():
    """Every named route the site answers, the API's included; the admin's by namespace."""
    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_route_is_declared():
    missing = [
        name
        for name in resolver_routes()
        if name not in ROUTES and name.split(":")[0] != ADMIN_NAMESPACE
    ]
    assert not missing, (
        "Routes without an entry in the permission matrix. Declare each in "
        "tests/permissions/table.py (see tests/README.md, « The permission matrix »), e.g.\n"
        + "\n".join(
            f'    "{name}": public(),  # or signed_in(), staff(), tenant(…)' for name in missing
        )
    )


def test_no_entry_names_a_route_that_is_gone():
    assert not sorted(set(ROUTES) - set(resolver_routes()))


LOGIN_PATHS = {"/compte/connexion/", "/gestion/login/"}


def outcome(response):
    if response.status_code in (301, 302, 303, 307):
        if urlparse(response["Location"]).path in LOGIN_PATHS:
            return LOGIN
        return OK
    if response.status_code < 300:
        return OK
    return response.status_code


# Tables whose rows a forged request must not touch: every model of the project and the
# task queue, but neither the geography nor sessions (logging in writes them).
SKIPPED_APPS = {"territories", "sessions", "contenttypes", "auth", "admin"}


def snapshot():
    digest = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS or model._meta.proxy:
            continue
        if model._meta.label == "accounts.User":
            rows = model.objects.order_by("pk").values_list(
                *[f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            )
        else:
            rows = model.objects.order_by("pk").values_list()
        digest[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


@pytest.fixture
def clients(db):
    accounts = demo_accounts()
    clients = {"anonymous": Client()}
    for role, user in accounts.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def forged_data(kwargs):
    """A POST a forger would send: plausible fields of every form of the site."""
    return {
        "transition": "approve",
        "status": "published",
        "role": "admin",
        "website": "https://hameconnage.example.com",
        "title": "Modifié",
        "name": "Modifié",
        "comment": "forgé",
        "reason": "forgé",
        "message": "forgé",
        "amount": "1000",
        "unpublish": "1",
        "confirm": "1",
        **kwargs,
    }


def request(client, method, url, query, data=None):
    if method == "get":
        response = client.get(url, query)
    else:
        response = client.post(url + (f"?{urlencode(query)}" if query else ""), data or {})
    if response.streaming:
        # A private file served: reading it to the end lets the test client close it
        # (without closing the test's database connection).
        b"".join(response.streaming_content)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_role_as_declared(name, clients):
    entry = ROUTES[name]
    kwargs = entry.kwargs(World())
    url = reverse(name, kwargs=kwargs)
    # A role that gets a 400 is let through the permission check: it acts after.
    refused = [role for role in ROLES if entry.expect[role] in REFUSED]
    allowed = [role for role in ROLES if entry.expect[role] not in REFUSED]
    got, forged, changed = {}, {}, []

    before = snapshot() if (entry.tenant or entry.forge_all) else None
    # The refused roles first, then their forged POSTs: nothing may have changed before
    # the allowed roles act (a POST route's allowed roles do change things).
    for role in refused:
        got[role] = outcome(request(clients[role], entry.method, url, entry.query))
    for role in refused if entry.tenant else ROLES if entry.forge_all else ():
        response = request(clients[role], "post", url, entry.query, forged_data(kwargs))
        forged[role] = outcome(response)
    if before is not None:
        after = snapshot()
        changed = [label for label in before if before[label] != after[label]]
    for role in allowed:
        got[role] = outcome(request(clients[role], entry.method, url, entry.query))

    assert {role: got[role] for role in ROLES} == entry.expect, f"{name} ({url}) got {got}"
    if entry.tenant:
        assert all(value in REFUSED for value in forged.values()), f"{name}: forged {forged}"
    assert not changed, f"{name}: forged POSTs ({forged}) changed {changed}"


@pytest.mark.django_db
def test_the_admin_is_for_cress_staff_only(clients):
    """Every page of /gestion/: the admin's index and each model's list and form."""
    world = World()
    urls = [reverse(f"{ADMIN_NAMESPACE}:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"{ADMIN_NAMESPACE}:{opts.app_label}_{opts.model_name}_changelist"))
    urls.append(
        reverse(f"{ADMIN_NAMESPACE}:directory_organisation_change", args=[world.organisation.pk])
    )
    for url in urls:
        assert outcome(clients["anonymous"].get(url)) == LOGIN, url
        for role in NOT_STAFF:
            assert outcome(clients[role].get(url)) == LOGIN, (url, role)
        assert clients["cress"].get(url).status_code in (200, 403), url
