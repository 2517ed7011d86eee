"""Workshops (names resolve as "ecommerce:<name>"; the namespace is set in
ecommerce_training/urls.py)."""

from django.urls import path

from ecommerce_training import views_workshops as views

urlpatterns = [
    path("workshops/", views.workshop_list, name="workshops"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/w/<slug:slug>/", views.workshop_detail, name="workshop"),
    path(
        "workshops/w/<slug:slug>/register/",
        views.workshop_register,
        name="workshop_register",
    ),
    path(
        "workshops/w/<slug:slug>/manage/", views.workshop_manage, name="workshop_manage"
    ),
    path(
        "workshops/w/<slug:slug>/status/", views.workshop_status, name="workshop_status"
    ),
    path(
        "workshops/w/<slug:slug>/sessions/new/",
        views.session_create,
        name="session_create",
    ),
    path(
        "workshops/w/<slug:slug>/participants/",
        views.participants,
        name="participants",
    ),
    path(
        "workshops/w/<slug:slug>/participants.csv",
        views.participants_csv,
        name="participants_csv",
    ),
    path(
        "workshops/w/<slug:slug>/participants/add/",
        views.register_person,
        name="register_person",
    ),
    path(
        "workshops/w/<slug:slug>/participants/new/",
        views.person_create,
        name="person_create",
    ),
    path(
        "workshops/w/<slug:slug>/survey/results/",
        views.survey_results,
        name="survey_results",
    ),
    path(
        "workshops/sessions/<int:session_id>/edit/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "workshops/sessions/<int:session_id>/delete/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "workshops/sessions/<int:session_id>/checkin/",
        views.checkin,
        name="checkin",
    ),
    path(
        "workshops/sessions/<int:session_id>/checkin/code/",
        views.checkin_code,
        name="checkin_code",
    ),
    path(
        "workshops/sessions/<int:session_id>/checkin/sync/",
        views.checkin_sync,
        name="checkin_sync",
    ),
    path("workshops/tickets/<str:code>/", views.ticket, name="ticket"),
    path(
        "workshops/tickets/<str:code>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("workshops/tickets/<str:code>/survey/", views.survey, name="survey"),
]
