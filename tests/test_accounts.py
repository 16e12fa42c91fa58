import json
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from essor.accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.directory import MembershipFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Camille.Dupont@Exemple.fr",
    "first_name": "Camille",
    "last_name": "Dupont",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "accept_terms": "on",
}


def confirmation_link(message):
    return re.search(r"http://testserver(/compte/confirmer/[^/\s]+/)", message.body).group(1)


def test_signup_sends_a_confirmation_email_and_the_link_allows_login(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 200
    assert "Vérifiez votre boîte" in response.content.decode()
    user = User.objects.get(email="camille.dupont@exemple.fr")
    assert not user.has_confirmed_email
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille.dupont@exemple.fr"]

    refused = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert "Confirmez d'abord votre adresse" in refused.context["form"].non_field_errors()[0]

    client.get(confirmation_link(mail.outbox[0]))
    user.refresh_from_db()
    assert user.has_confirmed_email

    response = client.post(
        reverse("accounts:login"), {"username": "CAMILLE.DUPONT@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_confirmation_link_used_twice_says_so_and_changes_nothing(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    link = confirmation_link(mail.outbox[0])
    client.get(link)
    confirmed_at = User.objects.get().email_confirmed_at
    response = client.get(link, follow=True)
    assert "déjà été utilisé" in response.content.decode()
    assert User.objects.get().email_confirmed_at == confirmed_at


def test_an_expired_confirmation_link_is_refused_with_a_400(client):
    with time_machine.travel("2026-01-01 10:00 +0000"):
        client.post(reverse("accounts:signup"), SIGNUP)
    with time_machine.travel("2026-01-05 10:00 +0000"):
        response = client.get(confirmation_link(mail.outbox[0]))
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    assert not User.objects.get().has_confirmed_email


def test_a_forged_confirmation_link_is_refused(client):
    response = client.get(reverse("accounts:confirm_email", args=["faux-jeton"]))
    assert response.status_code == 400
    assert "n'est pas valide" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse de courriel valide"),
        ({"first_name": "x" * 200}, "first_name", "au plus 150 caractères"),
        ({"password2": "autre-chose-123"}, "password2", "ne correspondent pas"),
        ({"password1": "1234", "password2": "1234"}, "password1", "trop court"),
        ({"accept_terms": ""}, "accept_terms", "obligatoire"),
    ],
)
def test_bad_signup_input_is_answered_in_french_and_nothing_is_saved(
    client, change, field, message
):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signing_up_with_a_taken_address_answers_as_for_a_new_one_and_tells_the_holder(client):
    """Issue 12.12: the sign-up form does not reveal which addresses have an account."""
    new = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "nouvelle@exemple.fr"})
    holder = UserFactory(email="camille.dupont@exemple.fr", first_name="Camille")
    password = holder.password
    mail.outbox.clear()

    taken = client.post(reverse("accounts:signup"), SIGNUP)

    assert taken.status_code == new.status_code == 200

    # The same page, but for the address typed (and the per-request CSRF token and nonce).
    def page(response):
        html = re.sub(r'(value|nonce)="[^"]+"|[A-Za-z0-9]{32,}', "", response.content.decode())
        return html.replace("camille.dupont@", "nouvelle@")

    assert page(taken) == page(new)
    assert User.objects.filter(email="camille.dupont@exemple.fr").count() == 1
    holder.refresh_from_db()
    assert holder.password == password and holder.first_name == "Camille"
    [message] = mail.outbox
    assert message.to == ["camille.dupont@exemple.fr"]
    assert "déjà un" in message.body and "/compte/mot-de-passe/oubli/" in message.body


def test_a_post_without_csrf_token_is_refused_and_saves_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.usefixtures("rate_limit_window")
def test_login_is_rate_limited_with_a_retry_after(client):
    user = UserFactory()
    for _ in range(10):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "faux"})
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "faux"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de tentatives" in response.content.decode()


@pytest.mark.usefixtures("rate_limit_window")
def test_signup_and_password_reset_are_rate_limited(client):
    for _ in range(5):
        client.post(reverse("accounts:password_reset"), {"email": "x@exemple.fr"})
    assert (
        client.post(reverse("accounts:password_reset"), {"email": "x@exemple.fr"}).status_code
        == 429
    )
    for n in range(10):
        client.post(reverse("accounts:signup"), {**SIGNUP, "email": f"p{n}@exemple.fr"})
    assert client.post(reverse("accounts:signup"), SIGNUP).status_code == 429


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="reset@exemple.fr")
    client.post(reverse("accounts:password_reset"), {"email": "reset@exemple.fr"})
    assert len(mail.outbox) == 1
    path = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)[
        1
    ]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new_password = "encore-un-autre-secret-77"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_user_downloads_their_own_data_as_json(client):
    membership = MembershipFactory(admin=True)
    client.force_login(membership.user)
    response = client.get(reverse("accounts:export_data"))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["compte"]["email"] == membership.user.email
    assert data["structures"][0]["structure"] == membership.organisation.name
    assert data["structures"][0]["role"] == "Administrateur"


def test_deleting_the_account_needs_the_password_then_removes_the_person(client):
    user = UserFactory()
    client.force_login(user)
    wrong = client.post(reverse("accounts:delete_account"), {"password": "faux"})
    assert "Mot de passe incorrect" in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert not User.objects.filter(pk=user.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_only_cress_staff_reach_the_admin(client):
    client.force_login(UserFactory(funder=True))
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(UserFactory(cress_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Gestion de la plateforme" in response.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
