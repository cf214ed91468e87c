from django.urls import path

from property.fees import views as fees
from property.imports import views as imports
from property.register import views as register

app_name = "property"

urlpatterns = [
    path("", register.community_list, name="communities"),
    path("communities/<int:community_id>/", register.community_detail, name="community"),
    path("communities/<int:community_id>/import/", imports.import_new, name="community_import"),
    path("compounds/<int:compound_id>/", register.compound_detail, name="compound"),
    path("compounds/<int:compound_id>/households/", register.household_list, name="households"),
    path("compounds/<int:compound_id>/plan/", register.management_plan_new, name="plan_new"),
    path("compounds/<int:compound_id>/import/", imports.import_new, name="import_new"),
    path("imports/<int:import_id>/", imports.import_detail, name="import"),
    path("imports/<int:import_id>/run/", imports.import_run, name="import_run"),
    path("imports/<int:import_id>/recheck/", imports.import_recheck, name="import_recheck"),
    path("imports/<int:import_id>/marked/", imports.import_marked, name="import_marked"),
    path("households/<int:household_id>/", register.household_detail, name="household"),
    path("households/<int:household_id>/residents/add/", register.resident_add, name="resident_add"),
    path("households/<int:household_id>/edit/", register.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/residents/<int:resident_id>/",
        register.resident_here,
        name="resident_here",
    ),
    path("residents/<int:resident_id>/", register.resident_detail, name="resident"),
    path("households/<int:household_id>/fees/", fees.household_fees, name="household_fees"),
    path("payments/<int:payment_id>/receipt/", fees.receipt, name="receipt"),
    path("collect/", fees.collect, name="collect"),
    path("households/<int:household_id>/reminders/", fees.reminder_add, name="reminder_add"),
    path("arrears/", fees.arrears_overview, name="arrears"),
    path("compounds/<int:compound_id>/fees/", fees.compound_fees, name="compound_fees"),
]
