"""Private files: outside MEDIA_ROOT, under names nobody can guess, served only by a view."""

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.test import override_settings

from essor.core.storage import RandomName, private_file_response, private_storage


def test_a_private_file_lands_outside_the_media_folder_under_a_random_name(settings):
    name = private_storage.save(
        RandomName("financing/documents")(None, "Statuts.PDF"), ContentFile(b"%PDF")
    )
    assert name.startswith("financing/documents/") and name.endswith(".pdf")
    assert "statuts" not in name.lower()
    path = private_storage.path(name)
    assert path.startswith(str(settings.PRIVATE_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_two_uploads_of_the_same_name_get_different_names():
    upload_to = RandomName("x")
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


def test_a_private_file_has_no_url():
    with pytest.raises(ValueError):
        private_storage.url("financing/documents/x.pdf")


class _Field:
    def __init__(self, name):
        self.name = name
        self.storage = private_storage

    def __bool__(self):
        return bool(self.name)

    def open(self, mode):
        return private_storage.open(self.name, mode)

    @property
    def path(self):
        return private_storage.path(self.name)


def test_the_view_streams_the_file_by_default():
    name = private_storage.save("t/a.pdf", ContentFile(b"%PDF-1.4"))
    response = private_file_response(_Field(name), filename="statuts.pdf")
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    response.file_to_stream.close()
    assert 'filename="statuts.pdf"' in response["Content-Disposition"]


def test_behind_nginx_the_web_server_sends_the_bytes():
    name = private_storage.save("t/b.pdf", ContentFile(b"%PDF"))
    with override_settings(PRIVATE_FILES_ACCEL_PREFIX="/_private/"):
        response = private_file_response(_Field(name), filename="b.pdf")
    assert response["X-Accel-Redirect"] == f"/_private/{name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment")


def test_a_missing_file_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        private_file_response(_Field("t/nothing.pdf"), filename="x.pdf")
