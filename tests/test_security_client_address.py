"""Issue 12, items 1 and 2: rate limits hold whatever X-Forwarded-For says, logins are
limited per account too, and /gestion/login/ is no side door."""

import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from essor.core.ratelimit import client_address, rate_key
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def request_with(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_configured_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_with("192.0.2.10", "203.0.113.7")) == "192.0.2.10"


def test_behind_one_proxy_the_client_is_the_hop_that_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.1.1.1" itself; our proxy appended the address it really saw.
    forged = request_with("10.0.0.1", "1.1.1.1, 203.0.113.7")
    assert client_address(forged) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_the_second_hop_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_with("10.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.1")
    assert client_address(request) == "203.0.113.7"


def test_trusted_networks_skip_only_their_own_hops(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    assert client_address(request_with("10.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.1")) == (
        "203.0.113.7"
    )
    # A request that did not come through the proxies: the header is anyone's.
    assert client_address(request_with("198.51.100.4", "10.0.0.9")) == "198.51.100.4"


def test_a_garbage_forwarded_value_falls_back_to_the_connection_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_with("10.0.0.1", "<script>")) == "10.0.0.1"


def test_an_ipv6_subscriber_counts_as_one_address_for_its_whole_64():
    one = rate_key(request_with("2001:db8:1:2::1"))
    other = rate_key(request_with("2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"


@pytest.mark.usefixtures("rate_limit_window")
def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(client):
    statuses = [
        client.post(
            LOGIN,
            {"username": f"inconnu{n}@exemple.fr", "password": "faux"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


@pytest.mark.usefixtures("rate_limit_window")
def test_rotating_x_forwarded_for_does_not_queue_more_reset_emails(client):
    user = UserFactory()
    for n in range(12):
        client.post(
            reverse("accounts:password_reset"),
            {"email": user.email},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert len(mail.outbox) == 5


@pytest.mark.usefixtures("rate_limit_window")
def test_rotating_x_forwarded_for_does_not_escape_the_api_throttle(client, settings):
    settings.ESSOR_API_RATE_LIMIT = {"json": 3, "csv": 1}
    statuses = [
        client.get("/api/structures/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_an_account_refuses_even_the_right_password_after_five_wrong_ones_from_anywhere(client):
    user = UserFactory()
    for n in range(5):
        client.post(LOGIN, {"username": user.email, "password": "faux"}, REMOTE_ADDR=f"10.1.{n}.1")

    response = client.post(
        LOGIN, {"username": user.email.upper(), "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )

    assert response.status_code == 200
    assert "Trop de mots de passe erronés pour ce compte" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_lock_ends_after_its_delay(client, settings):
    user = UserFactory()
    with time_machine.travel("2026-03-02 10:00 +0000", tick=False):
        for _ in range(5):
            client.post(LOGIN, {"username": user.email, "password": "faux"})
    with time_machine.travel("2026-03-02 10:16 +0000", tick=False):
        response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client):
    user = UserFactory()
    for _ in range(4):
        client.post(LOGIN, {"username": user.email, "password": "faux"})
    assert client.post(LOGIN, {"username": user.email, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(LOGIN, {"username": user.email, "password": "faux"})
    assert client.post(LOGIN, {"username": user.email, "password": PASSWORD}).status_code == 302


def test_a_password_reset_lifts_the_account_lock(client):
    user = UserFactory()
    for _ in range(5):
        client.post(LOGIN, {"username": user.email, "password": "faux"})
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new = "un-autre-mot-de-passe-99"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert client.post(LOGIN, {"username": user.email, "password": new}).status_code == 302


def test_the_admin_login_sends_to_the_site_login(client):
    response = client.get("/gestion/login/?next=/gestion/directory/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN + "?next=%2Fgestion%2Fdirectory%2F"


def test_the_admin_login_never_checks_a_password_itself(client):
    staff = UserFactory(cress_staff=True)
    for _ in range(25):
        client.post("/gestion/login/", {"username": staff.email, "password": "faux"})
    response = client.post("/gestion/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_admin_login_keeps_no_foreign_next(client):
    response = client.get("/gestion/login/?next=https://attaquant.example/")
    assert response["Location"] == LOGIN + "?next=%2Fgestion%2F"


def test_the_admin_redirects_an_anonymous_visitor_to_the_site_login(client):
    first = client.get("/gestion/")
    second = client.get(first["Location"])
    assert second["Location"].startswith(LOGIN)


# --- Guard -------------------------------------------------------------------------------

ESSOR = Path(__file__).resolve().parents[1] / "essor"
HELPER = ESSOR / "core" / "ratelimit.py"
FORWARDED = re.compile(r"x[-_]forwarded[-_]for|remote_addr", re.IGNORECASE)


def test_only_the_client_address_helper_reads_x_forwarded_for_or_remote_addr():
    offenders = [
        f"{path.relative_to(ESSOR.parent)}:{number}"
        for path in ESSOR.rglob("*.py")
        if path != HELPER
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORWARDED.search(line)
    ]
    assert offenders == [], "use essor.core.ratelimit.client_address(request)"
