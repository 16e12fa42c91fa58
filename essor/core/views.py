from pathlib import Path

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.views.decorators.http import require_GET


def legal_page(template):
    @require_GET
    def view(request):
        return render(request, f"core/legal/{template}.html")

    return view


def bad_request(request, exception=None):
    return _error_page(request, 400)


def permission_denied(request, exception=None):
    return _error_page(request, 403)


def page_not_found(request, exception=None):
    return _error_page(request, 404)


def _error_page(request, status):
    response = render(request, f"core/errors/{status}.html", status=status)
    response.is_error_page = True  # see FriendlyErrorPages
    return response


# A plain file, not a template: it must show even when the templates or the database fail.
SERVER_ERROR_PAGE = Path(__file__).parent / "templates" / "core" / "errors" / "500.html"


def server_error(request):
    return HttpResponseServerError(SERVER_ERROR_PAGE.read_bytes())


def csrf_failure(request, reason=""):
    return render(request, "core/errors/csrf.html", status=403)


@require_GET
def export(request, pk):
    """The page of a background export: « en préparation » (polled), then its link."""
    from django.conf import settings

    from .exports import readable_export

    context = {
        "export": readable_export(request, pk),
        "retention": settings.ESSOR_EXPORT_RETENTION_HOURS,
    }
    return render(request, "core/export.html", context)


@require_GET
def export_file(request, pk):
    from django.http import Http404

    from .exports import readable_export
    from .models import ExportStatus
    from .storage import private_file_response

    export = readable_export(request, pk)
    if export.status != ExportStatus.READY:
        raise Http404("Cet export n'est pas prêt.")
    return private_file_response(export.file, filename=export.filename, content_type="text/csv")
