from django.urls import include, path

from content_authoring import views

app_name = "content_authoring"
urlpatterns = [
    path("h5p/", include("content_authoring.h5p.urls")),
    path("media/", include("content_authoring.media.urls")),
    path("coursework/", include("content_authoring.coursework.urls")),
    path(
        "<int:usage_id>/handler/<slug:handler_name>/",
        views.block_handler,
        name="block_handler",
    ),
    path(
        "<int:usage_id>/handler/<slug:handler_name>/<path:suffix>",
        views.block_handler,
        name="block_handler_suffix",
    ),
    path("lessons/<int:lesson_id>/viewed/", views.lesson_viewed, name="lesson_viewed"),
    path(
        "resource/<slug:block_type>/<path:uri>",
        views.block_resource,
        name="block_resource",
    ),
]
