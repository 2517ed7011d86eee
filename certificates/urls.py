from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("issuer.json", views.issuer, name="issuer"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>.json", views.verify_json, name="verify_json"),
    path("<str:serial>.pdf", views.download_pdf, name="pdf"),
    path("<str:serial>.jwt", views.download_credential, name="credential"),
    path("manage/", views.manage, name="manage"),
    path(
        "templates/<int:template_id>/preview.pdf",
        views.template_preview,
        name="template_preview",
    ),
    path("manage/cohort/", views.issue_for_cohort, name="issue_for_cohort"),
    path("manage/one/", views.issue_one, name="issue_one"),
    path("manage/batches/<int:batch_id>/", views.batch, name="batch"),
    path("manage/<str:serial>/revoke/", views.revoke, name="revoke"),
    path("manage/<str:serial>/reissue/", views.reissue, name="reissue"),
]
