"""URLs under /blocks/h5p/ (namespace ``content_authoring:h5p``)."""

from django.urls import path

from content_authoring.h5p import views

app_name = "h5p"
urlpatterns = [
    path("courses/<int:course_id>/upload/", views.upload, name="upload"),
    path("play/<int:package_id>/", views.player, name="player"),
    path("files/<str:sha256>/", views.file_root, name="file_root"),
    path("files/<str:sha256>/<path:path>", views.package_file, name="file"),
]
