from django.urls import path

from renovation import views

app_name = "renovation"
urlpatterns = [
    path("photos/<int:photo_id>/", views.progress_photo, name="photo"),
]
