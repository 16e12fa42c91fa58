"""The hard upload limit (issue 12.14): a request whose body is larger than
ESSOR_MAX_UPLOAD_BYTES is refused with a 413 before a byte of it is read, so nothing is
written to disk — not even a temporary file. Django never reads past Content-Length, so
checking it is a hard bound. The CRESS team's import form (/gestion/, Socle › Imports)
takes up to ESSOR_MAX_IMPORT_UPLOAD_BYTES; larger files go through a path on the server.

Each form still checks its own, smaller limit (5 Mo for a vault document, 1 Mo for a logo)
and says so in French."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse

from .admin import is_staff_request


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django then reads nothing either


def _import_form_path():
    try:
        return reverse("admin:core_importrun_add")
    except NoReverseMatch:
        return None


def upload_limit(request):
    if request.path == _import_form_path() and is_staff_request(request):
        return settings.ESSOR_MAX_IMPORT_UPLOAD_BYTES
    return settings.ESSOR_MAX_UPLOAD_BYTES


def too_large(request, limit):
    return render(request, "core/errors/413.html", {"limit": filesizeformat(limit)}, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = upload_limit(request)
        if _content_length(request) > limit:
            return too_large(request, limit)
        return self.get_response(request)
