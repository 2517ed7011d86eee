from django.urls import path

from lms import people_views as views

app_name = "people"
urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_id>/import/", views.import_upload, name="import"),
    path("imports/<int:import_id>/", views.import_preview, name="import_preview"),
    path("imports/<int:import_id>/commit/", views.import_commit, name="import_commit"),
]
