from django.urls import path

from content_authoring import authoring_views as views

app_name = "authoring"
urlpatterns = [
    path("", views.author_home, name="home"),
    path("import/", views.course_import, name="course_import"),
    path("courses/<slug:slug>/", views.course_edit, name="course"),
    path("courses/<slug:slug>/export/", views.course_export, name="course_export"),
    path("courses/<slug:slug>/publish/", views.course_publish, name="course_publish"),
    path("courses/<slug:slug>/modules/", views.module_add, name="module_add"),
    path("modules/<int:module_id>/", views.module_change, name="module_change"),
    path("lessons/<int:lesson_id>/", views.lesson_edit, name="lesson"),
    path("lessons/<int:lesson_id>/change/", views.lesson_change, name="lesson_change"),
    path("lessons/<int:lesson_id>/preview/", views.lesson_preview, name="preview"),
    path("lessons/<int:lesson_id>/publish/", views.lesson_publish, name="publish"),
    path("lessons/<int:lesson_id>/discard/", views.lesson_discard, name="discard"),
    path("lessons/<int:lesson_id>/reorder/", views.lesson_reorder, name="reorder"),
    path("lessons/<int:lesson_id>/blocks/", views.block_add, name="block_add"),
    path("blocks/<int:block_id>/", views.block_save, name="block_save"),
    path("blocks/<int:block_id>/change/", views.block_change, name="block_change"),
]
