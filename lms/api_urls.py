"""The HTTP API, versionless, under ``/api/``; its schema is at ``/api/schema/``."""

from django.urls import path

from courses import api as courses_api
from lms import api as lms_api

app_name = "api"
urlpatterns = [
    path("auth/token/", lms_api.TokenObtainView.as_view(), name="auth-token"),
    path("me/", lms_api.MeView.as_view(), name="me"),
    path(
        "catalog/courses/",
        courses_api.CatalogCourseListView.as_view(),
        name="catalog-course-list",
    ),
    path(
        "catalog/courses/<slug:slug>/",
        courses_api.CatalogCourseDetailView.as_view(),
        name="catalog-course-detail",
    ),
    path(
        "enrollments/", courses_api.EnrollmentListView.as_view(), name="enrollment-list"
    ),
    path(
        "enrollments/<int:pk>/approve/",
        courses_api.EnrollmentApproveView.as_view(),
        name="enrollment-approve",
    ),
    path(
        "enrollments/<int:pk>/reject/",
        courses_api.EnrollmentRejectView.as_view(),
        name="enrollment-reject",
    ),
    path(
        "lessons/<int:pk>/",
        courses_api.LessonDetailView.as_view(),
        name="lesson-detail",
    ),
    path(
        "lessons/<int:pk>/viewed/",
        courses_api.LessonViewedView.as_view(),
        name="lesson-viewed",
    ),
    path(
        "blocks/<int:pk>/submissions/",
        courses_api.BlockSubmissionView.as_view(),
        name="block-submission-list",
    ),
    path(
        "progress/courses/<slug:slug>/",
        courses_api.CourseProgressView.as_view(),
        name="course-progress",
    ),
]
