from django.urls import path, re_path

from dictionary import views, views_review

app_name = "dictionary"

urlpatterns = [
    path("", views.search, name="search"),
    path("review/", views_review.review, name="review"),
    path("<int:entry_id>/", views.entry, name="entry"),
    path("api/search", views.api_search, name="api_search"),
    re_path(
        r"^export/(?P<language>[a-z]{3})\.(?P<fmt>lift|csv|tsv)$",
        views.export,
        name="export",
    ),
    path("api/entries/<int:entry_id>", views.api_entry, name="api_entry"),
]
