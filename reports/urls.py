from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.records, name="records"),
    path("alerts/", views.alert_list, name="alerts"),
    path("recompute/", views.recompute, name="recompute"),
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("bulletin.docx", views.bulletin_download, name="bulletin_docx"),
]
