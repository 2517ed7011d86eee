from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentAuthoringConfig(AppConfig):
    name = "content_authoring"
    verbose_name = _("Content authoring")
    default_auto_field = "django.db.models.BigAutoField"
