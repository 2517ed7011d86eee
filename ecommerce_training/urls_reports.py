"""Reports for the Department (names resolve as "ecommerce:<name>"; the
namespace is set in ecommerce_training/urls.py)."""

from django.urls import path

from ecommerce_training import views_reports as views

urlpatterns = [
    path("reports/", views.report, name="report"),
    path("reports/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<slug:table>.csv", views.report_csv, name="report_csv"),
]
