"""Production: refuses to start with the demo key or DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

if env.SECRET_KEY == env.DEMO_SECRET_KEY or len(env.SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value; the demo key is refused in production."
    )
if env.DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=0).")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
