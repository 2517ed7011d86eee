from django.urls import include, path

app_name = "ecommerce"

urlpatterns = [
    path("", include("ecommerce_training.urls_workshops")),
    path("", include("ecommerce_training.urls_marketplace")),
    path("", include("ecommerce_training.urls_reports")),
]
