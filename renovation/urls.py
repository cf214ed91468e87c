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
    path("photos/<int:photo_id>/", views.progress_photo, name="photo"),
    path("blacklist/", views.blacklist, name="blacklist"),
]
