"""The media library of a course (mounted at /blocks/media/)."""

from django.urls import path

from content_authoring.media import views

app_name = "media"
urlpatterns = [
    path("course/<int:course_id>/", views.library, name="library"),
    path("course/<int:course_id>/upload/", views.upload, name="upload"),
    path("course/<int:course_id>/slides/", views.slides_upload, name="slides_upload"),
    path("course/<int:course_id>/image/", views.image_upload, name="image_upload"),
    path("<int:asset_id>/status/", views.asset_status, name="asset_status"),
    path("<int:asset_id>/subtitles/", views.subtitles_attach, name="subtitles_attach"),
    path("<int:asset_id>/delete/", views.asset_delete, name="asset_delete"),
    path("<int:asset_id>/retry/", views.asset_retry, name="asset_retry"),
]
