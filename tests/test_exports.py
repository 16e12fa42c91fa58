"""Issue 12, item 7: large CSV exports run in the background into a private file, for the
person who asked only; exports are limited per account and per address; small ones stay
synchronous (essor/core/exports.py)."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essor.core.exports import EXPORTERS
from essor.core.models import Export, ExportStatus
from essor.financing import services
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.financing import applicant, funder_member, ready_dossier
from tests.factories.territories import LIMOGES, commune
from tests.utils import DB_TASKS, run_queued_tasks

pytestmark = pytest.mark.django_db

FUNDERS_EXPORT = reverse("financing:requests_csv")


def read(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def funder_with_requests():
    funder_user, funder = funder_member()
    applicant_user, organisation = applicant()
    for title in ["Projet A", "=HYPERLINK(1)"]:
        dossier = ready_dossier(organisation, applicant_user, [funder])
        dossier.title = title
        dossier.save()
        services.dossier_submit(dossier=dossier, user=applicant_user)
    return funder_user


def test_a_small_export_is_answered_at_once(client, funder_with_requests, settings):
    settings.ESSOR_EXPORT_SYNC_ROWS = 2
    client.force_login(funder_with_requests)
    response = client.get(FUNDERS_EXPORT)
    assert response.status_code == 200
    assert len(read(b"".join(response.streaming_content))) == 3
    assert not Export.objects.exists()


def test_a_large_export_is_prepared_in_the_background_for_its_owner_only(
    client, funder_with_requests, settings
):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    settings.TASKS = DB_TASKS
    client.force_login(funder_with_requests)

    response = client.get(FUNDERS_EXPORT)

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export", args=[export.pk])
    assert (export.owner, export.status) == (funder_with_requests, ExportStatus.PENDING)
    page = client.get(response["Location"]).content.decode()
    assert "Export en préparation" in page
    assert 'hx-trigger="every 2s"' in page
    file_url = reverse("core:export_file", args=[export.pk])
    assert client.get(file_url).status_code == 404  # not ready

    assert run_queued_tasks() == 1

    export.refresh_from_db()
    assert (export.status, export.rows) == (ExportStatus.READY, 2)
    page = client.get(response["Location"]).content.decode()
    assert file_url in page and "hx-trigger" not in page
    # A private file under a random name, never in the public media folder.
    assert export.file.name.startswith("exports/") and "demandes" not in export.file.name
    assert (Path(settings.PRIVATE_ROOT) / export.file.name).is_file()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    rows = read(b"".join(client.get(file_url).streaming_content))
    assert rows[0][0] == "financeur" and len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[3] for row in rows]  # the same formula-safe writer

    other = Client()
    other.force_login(funder_member()[0])  # another funder: not theirs
    assert other.get(response["Location"]).status_code == 404
    assert other.get(file_url).status_code == 404
    assert Client().get(file_url).status_code == 404


def test_a_large_anonymous_directory_export_belongs_to_its_session(client, settings):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    for name in ["Coop solidaire un", "Coop solidaire deux"]:
        organisation = EssOrganisationFactory(name=name)
        EstablishmentFactory(organisation=organisation, commune=commune(LIMOGES), unplaced=True)

    response = client.get(reverse("search:directory_export"), {"q": "solidaire"})

    export = Export.objects.get()
    assert response.status_code == 302 and export.owner is None and export.session_key
    file_url = reverse("core:export_file", args=[export.pk])
    rows = read(b"".join(client.get(file_url).streaming_content))
    assert sorted(row[2] for row in rows[1:]) == ["Coop solidaire deux", "Coop solidaire un"]
    assert Client().get(file_url).status_code == 404


def test_exports_are_limited_per_account_from_any_address(client, funder_with_requests, settings):
    settings.ESSOR_EXPORT_RATE_LIMIT = (2, 600)
    client.force_login(funder_with_requests)
    statuses = [client.get(FUNDERS_EXPORT, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_exports_are_limited_per_address_across_accounts(client, settings):
    settings.ESSOR_EXPORT_RATE_LIMIT = (2, 600)
    statuses = []
    for _ in range(3):
        client.force_login(funder_member()[0])
        statuses.append(client.get(FUNDERS_EXPORT, REMOTE_ADDR="192.0.2.7").status_code)
    assert statuses == [200, 200, 429]


def test_one_person_has_a_bounded_number_of_exports_in_preparation(
    client, funder_with_requests, settings
):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    settings.ESSOR_EXPORT_MAX_PENDING = 1
    settings.TASKS = DB_TASKS
    client.force_login(funder_with_requests)
    assert client.get(FUNDERS_EXPORT).status_code == 302
    refused = client.get(FUNDERS_EXPORT)
    assert refused.status_code == 429
    assert "encore en préparation" in refused.content.decode()
    assert Export.objects.count() == 1


def test_old_exports_and_their_files_are_purged(client, funder_with_requests, settings):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    client.force_login(funder_with_requests)
    client.get(FUNDERS_EXPORT)
    old = Export.objects.get()
    path = Path(settings.PRIVATE_ROOT) / old.file.name
    assert path.is_file()
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    client.get(FUNDERS_EXPORT)

    assert not Export.objects.filter(pk=old.pk).exists()
    assert not path.exists()


def test_deleting_an_account_deletes_its_exports_and_their_files(
    client, funder_with_requests, settings
):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    client.force_login(funder_with_requests)
    client.get(FUNDERS_EXPORT)
    path = Path(settings.PRIVATE_ROOT) / Export.objects.get().file.name
    funder_with_requests.delete()
    assert not Export.objects.exists() and not path.exists()


def test_the_exports_of_the_platform_are_registered():
    assert {"financing-requests", "directory-search"} <= set(EXPORTERS)
