from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<slug:slug>/", views.course_detail, name="detail"),
    path("<slug:slug>/enroll/", views.course_enroll, name="enroll"),
    path("<slug:slug>/lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("<slug:slug>/continue/", views.course_continue, name="continue"),
    path("<slug:slug>/manage/", views.course_manage, name="manage"),
    path(
        "<slug:slug>/manage/cohort/", views.course_enroll_cohort, name="enroll_cohort"
    ),
    path(
        "<slug:slug>/manage/requests/<int:enrollment_id>/",
        views.enrollment_decide,
        name="decide",
    ),
    path("<slug:slug>/gradebook/", views.course_gradebook, name="gradebook"),
    path("<slug:slug>/gradebook.csv", views.course_gradebook_csv, name="gradebook_csv"),
]
