from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from accounts.views import home
from config.api import api
from governance.views import public_compound, public_qr

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("property/", include("property.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("governance/", include("governance.urls")),
    path("grid/", include("grid.urls")),
    path("renovation/", include("renovation.urls")),
    path("reports/", include("reports.urls")),
    # The public compound page and its QR code: no sign-in, the address on the notice-board poster.
    path("c/<int:compound_id>/", public_compound, name="public_compound"),
    path("c/<int:compound_id>/qr.<str:fmt>", public_qr, name="public_qr"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says: the icon, not a 404 in every log.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
