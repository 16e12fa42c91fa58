"""The open-data API's shared pieces (django-ninja), at the level of essor/core: no
module here imports an app; each app keeps its endpoints in its own `api.py`.

- site.py: the NinjaAPI object served at /api/, its French errors and throttle; it
  mounts the `router` of every installed app that has an `api` module, at that
  module's API_PREFIX;
- params.py: query parameters shared by several routers (pagination, territory codes,
  `format`), with the hints the error messages give;
- responses.py: one page of results, CSV exports (`wants_csv`; a list that can grow
  declares an `ApiExport` and answers `csv_export_response`, through essor.core.exports);
- errors.py: error schemas and `InvalidParameter`, a French 400 raised by a router;
- throttle.py: requests per minute and client address; docs.py: the /api/docs page.

A new app publishes its data with an `api.py` like this one:

    from ninja import Router
    from essor.api.errors import ERRORS
    from essor.api.params import FormatParam, LimitParam, OffsetParam
    from essor.api.responses import csv_export, page, wants_csv

    API_PREFIX = "/evenements/"
    router = Router(tags=["Agenda"])

    @router.get("/", response={200: PageEvenements, **ERRORS})
    def list_events(request, limit: LimitParam = 20, offset: OffsetParam = 0,
                    format: FormatParam = None):
        events = Event.objects.published().order_by("starts_at", "pk")
        if wants_csv(request):
            return csv_export(events, event_row, CSV_COLUMNS, "essor-agenda.csv")
        return page(events, event_row, limit, offset)
"""
