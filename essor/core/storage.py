"""Private files: documents, dossier PDFs, attachments, exports — everything not meant for
everyone. They live under PRIVATE_ROOT, outside MEDIA_ROOT, under random names, and leave only
through a view that has checked who asks (`private_file_response`).

    from essor.core.storage import PrivateFileField
    class NeedAttachment(models.Model):
        file = PrivateFileField("fichier", folder="purchasing/needs")
    # the view, after its own permission check:
    return private_file_response(attachment.file, filename="cahier-des-charges.pdf")

Public files (organisation logos) stay on the default storage, under MEDIA_URL.
"""

import mimetypes
import os
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject
from django.utils.http import content_disposition_header


class PrivateStorage(FileSystemStorage):
    """A file system storage with no URL: nothing in it is reachable without a view."""

    # Read at each use, so that a test (or a settings override) can move it.
    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Un fichier privé n'a pas d'URL : servez-le par une vue qui vérifie.")


class _LazyPrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = PrivateStorage()


private_storage = _LazyPrivateStorage()


def _private_storage():
    # A callable keeps the storage (and its settings-dependent location) out of migrations.
    return private_storage


@deconstructible
class RandomName:
    """upload_to: `<folder>/<32 random hex>.<extension>` — a name nobody can guess."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        suffix = PurePosixPath(filename).suffix.lower()[:10]
        return f"{self.folder}/{secrets.token_hex(16)}{suffix}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


class PrivateFileField(models.FileField):
    """A FileField on the private storage under random names; `folder` says whose files."""

    def __init__(self, *args, folder=None, **kwargs):
        if folder is not None:
            kwargs["upload_to"] = RandomName(folder)
        kwargs["storage"] = _private_storage
        super().__init__(*args, **kwargs)


def private_file_response(field_file, *, filename, as_attachment=True, content_type=None):
    """Serve a private file to someone the calling view has already checked.

    Behind nginx (PRIVATE_FILES_ACCEL_PREFIX) or Apache (PRIVATE_FILES_SENDFILE) the web
    server sends the bytes; otherwise Django streams them."""
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404("Ce fichier n'existe plus.")
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    accel_prefix = getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", "")
    if accel_prefix or getattr(settings, "PRIVATE_FILES_SENDFILE", False):
        response = HttpResponse(content_type=content_type)
        if accel_prefix:
            response["X-Accel-Redirect"] = f"{accel_prefix.rstrip('/')}/{field_file.name}"
        else:
            response["X-Sendfile"] = field_file.path
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    return FileResponse(
        field_file.open("rb"),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
