from django.urls import path

from grid import views

app_name = "grid"

urlpatterns = [
    path("", views.my_duty, name="mine"),
    path("duty/<int:shift_id>/start/", views.duty_start, name="start"),
    path("duty/<int:shift_id>/end/", views.duty_end, name="end"),
    path("findings/<int:finding_id>/incident/", views.finding_incident, name="finding_incident"),
    path("grids/<int:grid_id>/inspect/", views.inspect, name="inspect"),
    path("grids/<int:grid_id>/staff/", views.grid_staff, name="staff"),
    path("incidents/", views.board, name="board"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/photo/", views.incident_photo, name="photo"),
    path("incidents/<int:incident_id>/<str:action>/", views.incident_step, name="step"),
    path("reports/daily/", views.daily_report, name="daily_report"),
    path("overdue-units/", views.overdue_units, name="overdue_units"),
]
