"""The open-data API's shared pieces (django-ninja), at the level of essor/core: no
module here imports an app; each app keeps its endpoints in its own `api.py`.

- site.py: the NinjaAPI object served at /api/, its French errors and throttle; it
  mounts the `router` of every installed app that has an `api` module, at that
  module's API_PREFIX;
- endpoints.py: how an app declares its endpoints: `endpoint` (a GET route with the shared
  errors and their documentation), `page_schema`, `list_export` + `page_or_csv` (a list
  that also answers `format=csv`), `id_param` + `found_or_404` (a detail);
- params.py: query parameters shared by several routers (pagination, territory codes,
  `format`), with the hints the error messages give;
- responses.py: one page of results, CSV answers (`wants_csv`, `csv_response`; the
  `ApiExport` that `list_export` declares goes through essor.core.exports);
- errors.py: error schemas and `InvalidParameter`, a French 400 raised by a router;
- throttle.py: requests per minute and client address; docs.py: the /api/docs page.

A new app publishes its data with an `api.py` of declarations like this one:

    from ninja import Router
    from essor.api.endpoints import endpoint, list_export, page_or_csv, page_schema
    from essor.api.params import FormatParam, LimitParam, OffsetParam
    from essor.api.responses import CSV_RESPONSE_DOC

    API_PREFIX = "/evenements/"
    router = Router(tags=["Agenda"])
    PageEvenements = page_schema("PageEvenements", Evenement, total="…", items="…")

    def published_events(params):
        return Event.objects.published().order_by("starts_at", "pk")

    EventsExport = list_export(name="api-events", filename="essor-agenda.csv",
                               columns=CSV_COLUMNS, select=published_events, row=event_row)

    @endpoint(router, "/", PageEvenements, alternate=CSV_RESPONSE_DOC, summary="…")
    def list_events(request, limit: LimitParam = 20, offset: OffsetParam = 0,
                    format: FormatParam = None):
        return page_or_csv(request, EventsExport, {}, event_row, limit, offset)
"""
