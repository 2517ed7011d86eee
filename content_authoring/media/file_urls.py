"""Uploaded files under ``MEDIA_URL`` (mounted at /media/ in ``lms.urls``)."""

from django.urls import path

from content_authoring.media.views import media_file

urlpatterns = [path("<path:path>", media_file, name="media_file")]
