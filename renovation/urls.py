from django.urls import path

from renovation import views

app_name = "renovation"
urlpatterns = [
    path("", views.project_list, name="projects"),
    path("communities/<int:community_id>/new/", views.project_new, name="project_new"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/advance/", views.project_advance, name="advance"),
    path("projects/<int:project_id>/planning/", views.project_planning, name="planning"),
    path("projects/<int:project_id>/items/<int:item_id>/progress/", views.progress_new, name="progress"),
    path("projects/<int:project_id>/plan/", views.plan_adopt, name="plan"),
    path("projects/<int:project_id>/contracts/new/", views.contract_new, name="contract_new"),
    path("projects/<int:project_id>/works/new/", views.works_notice_new, name="works_new"),
    path("projects/<int:project_id>/inspect/", views.inspection_new, name="inspect"),
    path("projects/<int:project_id>/acceptance/", views.acceptance_new, name="acceptance"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("photos/<int:photo_id>/", views.progress_photo, name="photo"),
    path("blacklist/", views.blacklist, name="blacklist"),
]
