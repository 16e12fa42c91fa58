from django.shortcuts import render
from django.views.decorators.http import require_GET


def legal_page(template):
    @require_GET
    def view(request):
        return render(request, f"core/legal/{template}.html")

    return view


def bad_request(request, exception=None):
    return render(request, "core/errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "core/errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "core/errors/404.html", status=404)


def server_error(request):
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    # No context processors: the database may be what failed.
    return HttpResponseServerError(render_to_string("core/errors/500.html"))


def csrf_failure(request, reason=""):
    return render(request, "core/errors/csrf.html", status=403)
