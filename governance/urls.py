from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("bodies/<int:body_id>/", views.body_detail, name="body"),
    path("bodies/<int:body_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("actions/<int:action_id>/close/", views.action_close, name="action_close"),
    path("compounds/<int:compound_id>/votes/new/", views.vote_new, name="vote_new"),
    path("compounds/<int:compound_id>/notices/new/", views.notice_new, name="notice_new"),
    path("compounds/<int:compound_id>/poster/", views.poster, name="poster"),
    path("votes/<int:vote_id>/", views.vote_detail, name="vote"),
    path("solicitations/<int:solicitation_id>/", views.solicitation_detail, name="solicitation"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation"),
]
