from django.contrib import admin
from django.urls import include, path

from accounts.views import home
from config.api import api

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("property/", include("property.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
