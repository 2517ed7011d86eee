"""The electronic dictionary of the province's ethnic languages (Ê Đê, M'nông,
J'rai) with Vietnamese and English glosses: entries kept canonical with their
history, search that folds marks the way people type, imports from LIFT and
CSV/TSV. Language lessons read entries through ``dictionary.selectors``; this
app never changes another app's rows."""

from django.apps import AppConfig


class DictionaryConfig(AppConfig):
    name = "dictionary"
    default_auto_field = "django.db.models.BigAutoField"
