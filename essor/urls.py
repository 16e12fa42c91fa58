from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from essor.accounts.views import admin_login
from essor.api.site import api

admin.site.site_header = "Administration d'ESSor"
admin.site.site_title = "ESSor"
admin.site.index_title = "Gestion de la plateforme"

urlpatterns = [
    path("", include("essor.portal.urls")),
    path("", include("essor.core.urls")),
    path("territoires/", include("essor.territories.urls")),
    path("compte/", include("essor.accounts.urls")),
    path("annuaire/", include("essor.search.urls")),
    path("annuaire/", include("essor.directory.urls")),
    path("accompagnement/", include("essor.support.urls")),
    path("observatoire/", include("essor.observatory.urls")),
    path("initiatives/", include("essor.initiatives.urls")),
    path("ressources/", include("essor.resources.urls")),
    path("financement/", include("essor.financing.urls")),
    path("concertation/", include("essor.consultation.urls")),
    path("cooperation/", include("essor.cooperation.urls")),
    path("agenda/", include("essor.events.urls")),
    path("achats/", include("essor.purchasing.urls")),
    # Before the admin's own: its login form would bypass the site's limits.
    path("gestion/login/", admin_login, name="admin_login"),
    path("gestion/", admin.site.urls),
    path("api/", api.urls),
]

handler400 = "essor.core.views.bad_request"
handler403 = "essor.core.views.permission_denied"
handler404 = "essor.core.views.page_not_found"
handler500 = "essor.core.views.server_error"

if settings.DEBUG:
    from essor.core.storage import public_media_urls

    urlpatterns += public_media_urls()
