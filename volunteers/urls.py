from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.shift_list, name="shifts"),
    path("mine/", views.my_shifts, name="mine"),
    path("register/", views.register, name="register"),
    path("shifts/<int:shift_id>/signup/", views.signup, name="signup"),
    path("shifts/<int:shift_id>/cancel/", views.cancel, name="cancel"),
    path("shifts/new/", views.shift_new, name="shift_new"),
    path("shifts/<int:shift_id>/", views.shift_detail, name="shift"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:volunteer_id>/<str:decision>/", views.registration_decide, name="decide"),
    path("shifts/<int:shift_id>/check-<str:action>/", views.check, name="check"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("certificate/", views.certificate, name="certificate"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
