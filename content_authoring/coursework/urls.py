from django.urls import path

from content_authoring.coursework import views

app_name = "coursework"
urlpatterns = [
    path(
        "assignments/<int:block_id>/submit/",
        views.assignment_submit,
        name="assignment_submit",
    ),
    path(
        "submissions/<uuid:submission_uuid>/file/",
        views.submission_file,
        name="submission_file",
    ),
    path(
        "submissions/<uuid:submission_uuid>/grade/",
        views.submission_grade,
        name="submission_grade",
    ),
    path("courses/<int:course_id>/grading/", views.grading_queue, name="grading_queue"),
    path(
        "discussions/<int:block_id>/posts/",
        views.discussion_post,
        name="discussion_post",
    ),
    path(
        "discussions/<int:block_id>/",
        views.discussion_posts,
        name="discussion_posts",
    ),
    path("posts/<int:post_id>/hide/", views.post_hide, name="post_hide"),
]
