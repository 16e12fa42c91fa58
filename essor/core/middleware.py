"""With DEBUG on (make demo), Django answers a missing page or a refusal with its English
technical page. The demo is tried by people, not by developers: they see the portal's own
French pages, as in production. Errors of the server keep the technical page, for whoever
runs the demo."""

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404

from . import views


class FriendlyErrorPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address that matches no URL never reaches a view: its 404 is made here.
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "is_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return views.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None  # Django's handlers (essor.urls) do it
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return views.bad_request(request, exception)
        return None
