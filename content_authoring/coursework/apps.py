from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourseworkConfig(AppConfig):
    name = "content_authoring.coursework"
    label = "coursework"
    verbose_name = _("Coursework")
    default_auto_field = "django.db.models.BigAutoField"
