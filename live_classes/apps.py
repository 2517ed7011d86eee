from django.apps import AppConfig


class LiveClassesConfig(AppConfig):
    name = "live_classes"
    default_auto_field = "django.db.models.BigAutoField"
