"""Private files: documents, dossier PDFs, attachments, exports — everything not meant for
everyone. They live under PRIVATE_ROOT, outside MEDIA_ROOT, under random names, and leave only
through a view that has checked who asks (`private_file_response`).

    from essor.core.storage import PrivateFileField
    class NeedAttachment(models.Model):
        file = PrivateFileField("fichier", folder="purchasing/needs")
    # the view, after its own permission check:
    return private_file_response(attachment.file, filename="cahier-des-charges.pdf")

Public files (organisation logos) stay on the default storage, under MEDIA_URL; the few
public file fields are listed in PUBLIC_FILE_FIELDS, and tests/test_security_private_files.py
fails on any other file field that is not private. A field that was public moves its files
with `move_to_private` in a data migration.
"""

import mimetypes
import os
import secrets
import shutil
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.urls import re_path
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject
from django.utils.http import content_disposition_header
from django.views.static import serve

# "app_label.Model.field": the only file fields allowed on the public storage (under
# MEDIA_URL, readable by anyone who has the name). Adding one here is a security decision.
PUBLIC_FILE_FIELDS = {"directory.Organisation.logo"}


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


class PrivateFileInput(forms.ClearableFileInput):
    """The file input of a private field: says a file is there, with no link (a private
    file has no URL; the page that shows it links to its checking view)."""

    template_name = "core/widgets/private_file.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class PrivateFileField(models.FileField):
    """A FileField on the private storage under random names; `folder` says whose files."""

    def __init__(self, *args, folder=None, **kwargs):
        if folder is not None:
            kwargs["upload_to"] = RandomName(folder)
        kwargs["storage"] = _private_storage
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Also in the admin, whose own file widget would link to the file's URL.
        kwargs["widget"] = PrivateFileInput
        return super().formfield(**kwargs)


def move_to_private(model, field_name, folder):
    """Data migration of a field that becomes private: move each file from MEDIA_ROOT to
    PRIVATE_ROOT under a random name and record the new name. Run again, it moves nothing.
    Returns how many files moved."""
    media, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_ROOT)
    moved = 0
    for pk, name in model.objects.exclude(**{field_name: ""}).values_list("pk", field_name):
        source = media / name
        if not name or not source.is_file() or (private / name).is_file():
            continue
        new_name = RandomName(folder)(None, name)
        target = private / new_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        model.objects.filter(pk=pk).update(**{field_name: new_name})
        moved += 1
    return moved


def _inside(path, root):
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def check_private_root(app_configs=None, **kwargs):
    """System check: the private root must not be reachable through MEDIA_URL."""
    if _inside(settings.PRIVATE_ROOT, settings.MEDIA_ROOT) or _inside(
        settings.MEDIA_ROOT, settings.PRIVATE_ROOT
    ):
        return [
            Error(
                "ESSOR_PRIVATE_ROOT et MEDIA_ROOT doivent être deux dossiers séparés : "
                "les fichiers privés ne doivent jamais être servis sous /media/.",
                id="essor.E001",
            )
        ]
    return []


def public_media(request, path):
    """/media/ in development (DEBUG): public files only, never the private root."""
    if _inside(Path(settings.MEDIA_ROOT) / path, settings.PRIVATE_ROOT):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def public_media_urls():
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", public_media, name="public_media")]


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
