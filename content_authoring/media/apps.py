from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaAssetsConfig(AppConfig):
    name = "content_authoring.media"
    label = "media_assets"
    verbose_name = _("Media assets")
    default_auto_field = "django.db.models.BigAutoField"
