from django.apps import AppConfig


class EcommerceTrainingConfig(AppConfig):
    name = "ecommerce_training"
    default_auto_field = "django.db.models.BigAutoField"
