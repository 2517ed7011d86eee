from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateTemplate


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "second_language", "updated_at", "preview"]
    search_fields = ["name", "course__title"]

    @admin.display(description=_("Preview"))
    def preview(self, template: CertificateTemplate) -> str:
        url = reverse("certificates:template_preview", args=[template.pk])
        return format_html('<a href="{}" target="_blank">PDF</a>', url)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "holder_name", "title", "status", "issued_at"]
    list_filter = ["status"]
    search_fields = ["serial", "holder_name", "title"]
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # issued through the services, never typed in
