"""Issue 12, item 14: an upload above the hard limit is refused before it is read, and
nothing of it is stored."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from essor.core.uploads import UploadLimitMiddleware
from essor.financing.models import OrganisationDocument
from tests.factories.accounts import UserFactory
from tests.factories.financing import applicant

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.ESSOR_MAX_UPLOAD_BYTES = LIMIT
    settings.ESSOR_MAX_IMPORT_UPLOAD_BYTES = 4 * LIMIT


def pdf(size):
    return SimpleUploadedFile("statuts.pdf", b"%PDF" + b"0" * (size - 4), "application/pdf")


def stored_files(root):
    return [path for path in Path(root).rglob("*") if path.is_file()]


def test_an_oversized_upload_is_refused_with_a_413_and_nothing_is_stored(client, settings):
    user, organisation = applicant()
    client.force_login(user)
    temporary_before = set(Path(tempfile.gettempdir()).glob("*.upload*"))

    response = client.post(
        reverse("financing:documents", args=[organisation.pk]),
        {"kind": "statutes", "file": pdf(LIMIT + 1)},
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "Fichier trop volumineux" in page and "64,0\xa0Kio" in page
    assert "rien n'a été enregistré" in page
    assert not OrganisationDocument.objects.exists()
    assert stored_files(settings.PRIVATE_ROOT) == stored_files(settings.MEDIA_ROOT) == []
    assert set(Path(tempfile.gettempdir()).glob("*.upload*")) == temporary_before


def test_below_the_hard_limit_the_form_gives_its_own_french_message(client, settings):
    settings.ESSOR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    user, organisation = applicant()
    client.force_login(user)
    response = client.post(
        reverse("financing:documents", args=[organisation.pk]),
        {"kind": "statutes", "file": pdf(5 * 1024 * 1024 + 1)},
    )
    assert response.status_code == 400
    assert "Le fichier dépasse 5 Mo." in response.content.decode()
    assert not OrganisationDocument.objects.exists()


class Untouchable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def test_the_body_of_an_oversized_request_is_never_read():
    request = RequestFactory().post("/financement/", data=b"", content_type="multipart/form-data")
    request.META["CONTENT_LENGTH"] = str(30 * 1024 * 1024)
    request.META["wsgi.input"] = Untouchable()
    request._stream = Untouchable()
    request.user = UserFactory.build()

    def view(request):
        request.POST  # noqa: B018 — a view reading the form would read the body
        raise AssertionError("the view ran")

    response = UploadLimitMiddleware(view)(request)
    assert response.status_code == 413


def test_a_request_within_the_limit_reaches_the_view():
    request = RequestFactory().post("/", data={"a": "b"})
    request.user = UserFactory.build()
    response = UploadLimitMiddleware(lambda r: r.POST["a"])(request)
    assert response == "b"


def test_the_cress_import_form_takes_larger_files_and_only_for_staff(client):
    url = reverse("admin:core_importrun_add")

    def body():
        return {"kind": "csv", "file_file": SimpleUploadedFile("l.csv", b"a;b\n" * (LIMIT // 3))}

    client.force_login(UserFactory())
    assert client.post(url, body()).status_code == 413
    client.force_login(UserFactory(cress_staff=True))
    assert client.post(url, body()).status_code != 413
