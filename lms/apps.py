from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("People and places")
    default_auto_field = "django.db.models.BigAutoField"


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic without what no page uses: the unminified and module builds
    of htmx, its extensions, and Redoc (the API docs use Swagger UI). Compressing
    those took most of the set-up time."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "htmx.js",
        "htmx.amd.js",
        "htmx.cjs.js",
        "htmx.esm.*",
        "ext",
        "redoc",
    ]
