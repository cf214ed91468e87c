from django.urls import path

from property import views

app_name = "property"

urlpatterns = [
    path("", views.community_list, name="communities"),
    path("communities/<int:community_id>/", views.community_detail, name="community"),
    path("communities/<int:community_id>/import/", views.import_new, name="community_import"),
    path("compounds/<int:compound_id>/", views.compound_detail, name="compound"),
    path("compounds/<int:compound_id>/households/", views.household_list, name="households"),
    path("compounds/<int:compound_id>/plan/", views.management_plan_new, name="plan_new"),
    path("compounds/<int:compound_id>/import/", views.import_new, name="import_new"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path("imports/<int:import_id>/run/", views.import_run, name="import_run"),
    path("imports/<int:import_id>/marked/", views.import_marked, name="import_marked"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/residents/add/", views.resident_add, name="resident_add"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/residents/<int:resident_id>/",
        views.resident_here,
        name="resident_here",
    ),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("households/<int:household_id>/fees/", views.household_fees, name="household_fees"),
    path("payments/<int:payment_id>/receipt/", views.receipt, name="receipt"),
    path("collect/", views.collect, name="collect"),
    path("households/<int:household_id>/reminders/", views.reminder_add, name="reminder_add"),
    path("arrears/", views.arrears_overview, name="arrears"),
    path("compounds/<int:compound_id>/fees/", views.compound_fees, name="compound_fees"),
]
