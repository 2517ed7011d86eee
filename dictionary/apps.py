from django.apps import AppConfig


class DictionaryConfig(AppConfig):
    name = "dictionary"
    default_auto_field = "django.db.models.BigAutoField"
