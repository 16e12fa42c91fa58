"""CSV exports, small ones at once and large ones in the background (issue 12.7).

Every export of the platform goes through `export_response`: it limits exports per account
and per address, streams an export of at most ESSOR_EXPORT_SYNC_ROWS rows at once, and
turns a larger one into an `Export` row that a background task fills with a private file
(essor.core.storage). The page of an export says « en préparation » and polls (htmx) until
its download link appears; only the person who asked (their account, or their session when
anonymous) can see or download it. Exports are deleted after ESSOR_EXPORT_RETENTION_HOURS.

An application declares its exports once, in a module its AppConfig.ready() imports (the
worker must know them too):

    from essor.core.exports import Exporter, register_exporter

    @register_exporter
    class RequestsExport(Exporter):
        name = "financing-requests"            # stored on Export.kind
        filename = "demandes-de-financement.csv"
        header = ["financeur", "structure", ...]

        def queryset(self, params, user):      # or override count() and rows()
            return FundingRequest.objects.for_funders(funder_organisations(user))

        def row(self, item):
            return [item.funder.name, ...]

    # the view, after its own permission check; params: JSON-serialisable
    return export_response(request, "financing-requests", params={})

The exporter computes its rows for `user` (None for an anonymous export): when the task
runs, the permission that the view checked is applied again to the data.
"""

from django.conf import settings
from django.core.files import File
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from .csv import streaming_csv_response, write_csv
from .ratelimit import hit, rate_key, too_many_requests

EXPORTERS = {}


class Exporter:
    name = ""
    filename = "export.csv"
    header = []
    label = "Export"

    def queryset(self, params, user):
        raise NotImplementedError

    def row(self, item):
        raise NotImplementedError

    def count(self, params, user):
        return self.queryset(params, user).count()

    def rows(self, params, user):
        return (self.row(item) for item in self.queryset(params, user).iterator(2000))


def register_exporter(cls):
    EXPORTERS[cls.name] = cls
    return cls


def get_exporter(name):
    return EXPORTERS[name]()


def _user(request):
    return request.user if request.user.is_authenticated else None


def _rate_limited(request):
    limit, period = settings.ESSOR_EXPORT_RATE_LIMIT
    keys = [f"export:addr:{rate_key(request)}"]
    if request.user.is_authenticated:
        keys.append(f"export:user:{request.user.pk}")
    return max(hit(key, limit, period) for key in keys)


def _owned(request):
    from .models import Export

    user = _user(request)
    if user is not None:
        return Export.objects.filter(owner=user)
    if not request.session.session_key:
        return Export.objects.none()
    return Export.objects.filter(owner=None, session_key=request.session.session_key)


def export_response(request, name, params=None):
    """The export `name` for this request: a CSV at once, or a redirect to the page of
    its background preparation. The calling view has checked the permission."""
    from .models import Export, ExportStatus
    from .tasks import run_export

    retry_after = _rate_limited(request)
    if retry_after:
        return too_many_requests(
            request, retry_after, "Vous avez demandé beaucoup d'exports en peu de temps."
        )
    exporter, params, user = get_exporter(name), params or {}, _user(request)
    if exporter.count(params, user) <= settings.ESSOR_EXPORT_SYNC_ROWS:
        return streaming_csv_response(
            exporter.header, exporter.rows(params, user), exporter.filename
        )
    purge_exports()
    pending = _owned(request).filter(status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
    if pending.count() >= settings.ESSOR_EXPORT_MAX_PENDING:
        return too_many_requests(request, 60, "Vos exports précédents sont encore en préparation.")
    if user is None and not request.session.session_key:
        request.session.save()
    export = Export.objects.create(
        kind=name,
        params=params,
        owner=user,
        session_key="" if user else request.session.session_key,
        filename=exporter.filename,
    )
    run_export.enqueue(export_id=export.pk)
    return redirect("core:export", pk=export.pk)


def perform_export(export):
    """The task's work: write the CSV to a private file (its rows are counted)."""
    from .models import ExportStatus

    export.status = ExportStatus.RUNNING
    export.save(update_fields=["status"])
    exporter = get_exporter(export.kind)
    try:
        import tempfile

        with tempfile.TemporaryFile() as out:
            export.rows = write_csv(
                out, exporter.header, exporter.rows(export.params, export.owner)
            )
            out.seek(0)
            export.file.save(exporter.filename, File(out), save=False)
        export.status = ExportStatus.READY
    except Exception:
        export.status = ExportStatus.FAILED
        raise
    finally:
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "rows", "file", "finished_at"])


def readable_export(request, pk):
    """An export for the person who asked it, else 404."""
    export = _owned(request).filter(pk=pk).first()
    if export is None:
        raise Http404
    return export


def purge_exports():
    """Exports older than the retention delay go, with their files."""
    from datetime import timedelta

    from .models import Export

    limit = timezone.now() - timedelta(hours=settings.ESSOR_EXPORT_RETENTION_HOURS)
    for export in Export.objects.filter(created_at__lt=limit):
        export.delete()
