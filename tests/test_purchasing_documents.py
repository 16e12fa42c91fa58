"""Supplier-profile documents (issue 16, Deliver 1): a supplier's members upload a
brochure, certificates, attestations; every file is private and served by a view that
checks who asks — a brochure to anyone once the profile is published, an attestation to
buyers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essor.purchasing.enums import DocumentVisibility, ProfileStatus
from essor.purchasing.models import SupplierDocument
from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.purchasing import buyer, supplier

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 plaquette"


def pdf(name="plaquette.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def member_and_profile(client):
    profile = supplier(name="ESAT des Jardins", labels=["esat"])
    user = UserFactory()
    MembershipFactory(user=user, organisation=profile.organisation)
    return user, profile


def upload(client, profile, **fields):
    data = {"kind": "brochure", "title": "Plaquette 2026", "visibility": "public", **fields}
    data.setdefault("file", pdf())
    return client.post(
        reverse("purchasing:supplier_documents", args=[profile.organisation.pk]), data
    )


def content(response):
    return b"".join(response.streaming_content)


def status(response):
    """The status code, once a file response is read (the test client closes it then,
    without closing the database connection as response.close() would)."""
    b"".join(response.streaming_content)
    return response.status_code


def test_a_member_uploads_a_brochure_anyone_reads_and_an_attestation_for_buyers(
    client, member_and_profile
):
    user, profile = member_and_profile
    client.force_login(user)
    assert upload(client, profile).status_code == 302
    assert upload(
        client, profile, kind="attestation", title="Attestation d'assurance",
        visibility="buyers", file=pdf("assurance.pdf", b"%PDF-1.4 assurance"),
    ).status_code == 302  # fmt: skip
    brochure, attestation = SupplierDocument.objects.order_by("pk")
    assert (brochure.name, brochure.size, brochure.uploaded_by) == ("plaquette.pdf", len(PDF), user)
    assert attestation.visibility == DocumentVisibility.BUYERS
    client.logout()

    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Plaquette 2026" in page and "Attestation d&#x27;assurance" not in page
    assert "1 autre document" in page and "connectez-vous" in page
    assert content(client.get(brochure.get_absolute_url())) == PDF
    # An attestation sends the visitor to the login page...
    response = client.get(attestation.get_absolute_url())
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    # ...is refused to an account that is no buyer...
    client.force_login(UserFactory())
    assert client.get(attestation.get_absolute_url()).status_code == 404
    # ...and read by a buyer: the « Acheteur » role, or a member of an organisation.
    client.force_login(UserFactory(buyer=True))
    assert content(client.get(attestation.get_absolute_url())) == b"%PDF-1.4 assurance"
    _, buyer_member = buyer()
    client.force_login(buyer_member)
    assert status(client.get(attestation.get_absolute_url())) == 200
    assert "Attestation d&#x27;assurance" in client.get(profile.get_absolute_url()).content.decode()


def test_the_documents_of_an_unpublished_profile_are_for_its_members_only(
    client, member_and_profile
):
    user, profile = member_and_profile
    client.force_login(user)
    upload(client, profile)
    document = SupplierDocument.objects.get()
    profile.status = ProfileStatus.DRAFT
    profile.save()
    assert status(client.get(document.get_absolute_url())) == 200
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(buyer=True))
    assert client.get(document.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"file": SimpleUploadedFile("outil.exe", b"MZ\x90\x00")}, "type de fichier refusé"),
        ({"file": pdf("faux.pdf", b"\x89PNG\r\n\x1a\n")}, "ne correspond pas à son extension"),
        ({"file": pdf("lourd.pdf", PDF + b"0" * (5 * 1024 * 1024))}, "dépasse 5 Mo"),
        ({"file": ""}, "Choisissez le fichier"),
        ({"title": ""}, "Donnez un intitulé"),
        ({"visibility": "tout-internet"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_wrong_document_is_refused_in_french_and_nothing_is_saved(
    client, member_and_profile, fields, message
):
    user, profile = member_and_profile
    client.force_login(user)
    response = upload(client, profile, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupplierDocument.objects.exists()


def test_a_profile_holds_ten_documents_at_most(client, member_and_profile):
    user, profile = member_and_profile
    client.force_login(user)
    for number in range(10):
        assert upload(client, profile, title=f"Doc {number}").status_code == 302
    response = upload(client, profile, title="Onzième")
    assert response.status_code == 400 and "10 documents au plus" in response.content.decode()
    assert profile.documents.count() == 10


def test_only_the_suppliers_members_upload_and_delete_its_documents(client, member_and_profile):
    user, profile = member_and_profile
    client.force_login(user)
    upload(client, profile)
    document = SupplierDocument.objects.get()
    path = document.file.path

    outsider = UserFactory()
    MembershipFactory(user=outsider, organisation=EssOrganisationFactory())
    client.force_login(outsider)
    assert upload(client, profile, title="Forgé").status_code == 403
    delete = reverse("purchasing:supplier_document_delete", args=[document.pk])
    assert client.post(delete).status_code == 404
    assert SupplierDocument.objects.count() == 1

    client.force_login(user)
    assert client.post(delete).status_code == 302
    assert not SupplierDocument.objects.exists()
    import os

    assert not os.path.exists(path)


def test_an_organisation_without_profile_is_sent_to_write_it_first(client):
    organisation = EssOrganisationFactory()
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation)
    client.force_login(user)
    response = client.get(reverse("purchasing:supplier_documents", args=[organisation.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("purchasing:supplier_edit", args=[organisation.pk])
