from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lms import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="lms/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("people/", include("lms.people_urls")),
    path("courses/", include("courses.urls")),
    path("blocks/", include("content_authoring.urls")),
    path("author/", include("content_authoring.authoring_urls")),
    path("live/", include("live_classes.urls")),
    path("certificates/", include("certificates.urls")),
    path("dictionary/", include("dictionary.urls")),
    path("ecommerce/", include("ecommerce_training.urls")),
    path("api/", include("lms.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"
    ),
    path("admin/", admin.site.urls),
    path("media/", include("content_authoring.media.file_urls")),
]
