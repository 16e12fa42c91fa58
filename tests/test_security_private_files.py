"""Issue 12, item 3: private files (vault documents, dossier PDFs) are outside MEDIA_ROOT
under random names and leave only through their permission-checked view — and the guard
that keeps every new file field private unless it is explicitly public."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from essor.core.storage import (
    PUBLIC_FILE_FIELDS,
    PrivateStorage,
    check_private_root,
    move_to_private,
    public_media_urls,
)
from essor.financing import services
from essor.financing.enums import PdfStatus
from essor.financing.models import DossierVersion, OrganisationDocument
from essor.urls import urlpatterns as site_urlpatterns
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import applicant, funder_member, ready_dossier

# This module is also the URL configuration of its tests: the site plus /media/ as DEBUG
# serves it (essor/urls.py adds public_media_urls() when DEBUG is on).
urlpatterns = [*site_urlpatterns, *public_media_urls()]

PDF_BYTES = b"%PDF-1.4\n%private\n"


# --- Guard -------------------------------------------------------------------------------


def file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.model is model:
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", field


def test_every_file_field_is_private_unless_it_is_listed_as_public():
    public = [
        name
        for name, field in file_fields()
        if not isinstance(field.storage, PrivateStorage) and name not in PUBLIC_FILE_FIELDS
    ]
    assert public == [], (
        "use essor.core.storage.PrivateFileField, or add the field to PUBLIC_FILE_FIELDS "
        "if anyone may read its files"
    )


def test_the_public_list_names_real_public_fields_only():
    fields = dict(file_fields())
    for name in PUBLIC_FILE_FIELDS:
        assert name in fields, f"{name}: no such file field"
        assert not isinstance(fields[name].storage, PrivateStorage)
    assert "financing.OrganisationDocument.file" in fields  # the walk does find fields


def test_the_private_root_may_not_sit_inside_the_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    assert check_private_root() == []
    settings.PRIVATE_ROOT = tmp_path / "media" / "private"
    assert [error.id for error in check_private_root()] == ["essor.E001"]
    settings.PRIVATE_ROOT, settings.MEDIA_ROOT = tmp_path / "data", tmp_path / "data" / "m"
    assert [error.id for error in check_private_root()] == ["essor.E001"]


# --- Regression: the vault and the dossier PDFs ------------------------------------------


def unreachable_through_media(client, settings, name):
    """Neither the stored name nor a climb out of MEDIA_ROOT serves the file."""
    media_path = Path(settings.MEDIA_ROOT) / name
    private = Path(settings.PRIVATE_ROOT).name
    for url in (
        f"/media/{name}",
        f"/media/../{private}/{name}",
        f"/media/%2e%2e/{private}/{name}",
        f"/media/{Path(settings.PRIVATE_ROOT).resolve()}/{name}",
    ):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert PDF_BYTES not in b"".join(getattr(response, "streaming_content", [response.content]))
    return not media_path.exists()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_vault_document_is_stored_privately_and_served_only_by_its_view(client, settings):
    user, organisation = applicant()
    client.force_login(user)
    upload = SimpleUploadedFile("statuts-178.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        reverse("financing:documents", args=[organisation.pk]), {"kind": "statutes", "file": upload}
    )
    document = OrganisationDocument.objects.get()

    name = document.file.name
    assert name.startswith("financing/documents/") and name.endswith(".pdf")
    assert "statuts" not in name
    assert (Path(settings.PRIVATE_ROOT) / name).read_bytes() == PDF_BYTES
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    client.logout()
    assert unreachable_through_media(client, settings, name)
    # The public media URL still serves public files: the 404s above are not an accident.
    logo = Path(settings.MEDIA_ROOT) / "logos" / "a.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG")
    served = client.get("/media/logos/a.png")
    assert b"".join(served.streaming_content) == b"\x89PNG"

    download = reverse("financing:document_download", args=[document.pk])
    assert client.get(download).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404
    client.force_login(user)
    response = client.get(download)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert f'filename="statuts-{document.pk}.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_dossier_pdf_is_made_into_the_private_root(client, settings):
    user, organisation = applicant()
    _, funder = funder_member()
    version = services.dossier_submit(
        dossier=ready_dossier(organisation, user, [funder]), user=user
    )
    client.force_login(user)
    pdf_url = reverse("financing:version_pdf", args=[version.pk])
    client.post(pdf_url)  # made at once by the tests' immediate task backend
    version.refresh_from_db()
    assert version.pdf_status == PdfStatus.READY

    name = version.pdf.name
    assert name.startswith("financing/dossiers/") and f"dossier-{version.dossier_id}" not in name
    assert (Path(settings.PRIVATE_ROOT) / name).is_file()
    client.logout()
    assert unreachable_through_media(client, settings, name)
    client.force_login(UserFactory())
    assert client.get(pdf_url).status_code == 404
    client.force_login(user)
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_behind_nginx_the_view_hands_the_private_path_to_the_web_server(client, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_prive/"
    user, organisation = applicant()
    document = OrganisationDocument.objects.create(
        organisation=organisation, kind="statutes", file=SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    client.force_login(user)
    response = client.get(reverse("financing:document_download", args=[document.pk]))
    assert response["X-Accel-Redirect"] == f"/_prive/{document.file.name}"
    assert response.content == b""


# --- The data migration ------------------------------------------------------------------


@pytest.mark.django_db
def test_files_already_in_the_media_folder_move_to_the_private_root_under_new_names(settings):
    organisation = OrganisationFactory()
    old = "financing/documents/2026/statuts-178.pdf"
    (Path(settings.MEDIA_ROOT) / old).parent.mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / old).write_bytes(PDF_BYTES)
    document = OrganisationDocument.objects.create(organisation=organisation, kind="statutes")
    OrganisationDocument.objects.filter(pk=document.pk).update(file=old)
    missing = OrganisationDocument.objects.create(organisation=organisation, kind="rib")
    OrganisationDocument.objects.filter(pk=missing.pk).update(file="financing/documents/gone.pdf")

    assert move_to_private(OrganisationDocument, "file", "financing/documents") == 1

    document.refresh_from_db()
    assert document.file.name.startswith("financing/documents/")
    assert "statuts" not in document.file.name and document.file.name.endswith(".pdf")
    assert (Path(settings.PRIVATE_ROOT) / document.file.name).read_bytes() == PDF_BYTES
    assert not (Path(settings.MEDIA_ROOT) / old).exists()
    # Run again (or with a file already gone): nothing moves, nothing breaks.
    assert move_to_private(OrganisationDocument, "file", "financing/documents") == 0
    assert move_to_private(DossierVersion, "pdf", "financing/dossiers") == 0


# --- The admin shows private files without a link ----------------------------------------


@pytest.mark.django_db
def test_the_admin_edits_a_private_document_without_linking_to_it(client):
    user, organisation = applicant()
    document = OrganisationDocument.objects.create(
        organisation=organisation, kind="statutes", file=SimpleUploadedFile("s.pdf", PDF_BYTES)
    )
    client.force_login(UserFactory(cress_staff=True))
    response = client.get(
        reverse("admin:financing_organisationdocument_change", args=[document.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "fichier privé déposé" in page
    assert document.file.name not in page
