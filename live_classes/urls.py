from django.urls import path

from live_classes import views

app_name = "live_classes"

urlpatterns = [
    path("courses/<int:course_id>/new/", views.schedule, name="schedule"),
    path("<int:session_id>/", views.room, name="room"),
    path("<int:session_id>/manage/", views.manage, name="manage"),
    path("<int:session_id>/cancel/", views.cancel, name="cancel"),
    path("<int:session_id>/slides/", views.slides_upload, name="slides_upload"),
    path("<int:session_id>/audio/", views.audio_upload, name="audio_upload"),
    path("<int:session_id>/attendance/", views.attendance, name="attendance"),
    path(
        "<int:session_id>/attendance.csv", views.attendance_csv, name="attendance_csv"
    ),
    path("<int:session_id>/replay/", views.replay, name="replay"),
]
