from django.urls import path, re_path

from dictionary import views, views_edit, views_review
from dictionary.blocks.media import block_media

app_name = "dictionary"

urlpatterns = [
    path("", views.search, name="search"),
    path("review/", views_review.review, name="review"),
    path("<int:entry_id>/", views.entry, name="entry"),
    path("api/search", views.api_search, name="api_search"),
    path("api/lookup", views.api_lookup, name="api_lookup"),
    path("browse/", views.browse, name="browse"),
    path("browse/topics/<slug:slug>/", views.browse_topic, name="browse_topic"),
    re_path(
        r"^export/(?P<language>[a-z]{3})\.(?P<fmt>lift|csv|tsv)$",
        views.export,
        name="export",
    ),
    path("api/entries/<int:entry_id>", views.api_entry, name="api_entry"),
    # Editor pages (views_edit).
    path("import/", views_edit.import_new, name="import_new"),
    path("import/<int:import_id>/", views_edit.import_preview, name="import_preview"),
    path(
        "import/<int:import_id>/commit",
        views_edit.import_commit,
        name="import_commit",
    ),
    path(
        "import/<int:import_id>/discard",
        views_edit.import_discard,
        name="import_discard",
    ),
    path("new/", views_edit.entry_add, name="entry_add"),
    path("<int:entry_id>/edit/", views_edit.entry_edit, name="entry_edit"),
    path("<int:entry_id>/history/", views_edit.entry_history, name="entry_history"),
    path(
        "<int:entry_id>/history/<int:revision_id>/restore",
        views_edit.entry_restore,
        name="entry_restore",
    ),
    path(
        "<int:entry_id>/pronunciation/",
        views_edit.entry_pronunciation,
        name="entry_pronunciation",
    ),
    path(
        "<int:entry_id>/pronunciation/remove",
        views_edit.entry_pronunciation_remove,
        name="entry_pronunciation_remove",
    ),
    path(
        "blocks/<int:usage_id>/<str:kind>/<str:name>",
        block_media,
        name="block_media",
    ),
]
