from django.contrib import admin

from content_authoring.h5p.models import H5PPackage


@admin.register(H5PPackage)
class H5PPackageAdmin(admin.ModelAdmin):
    list_display = ("title", "main_library", "course", "has_questions", "created_at")
    list_filter = ("has_questions",)
    search_fields = ("title", "main_library", "sha256")
    readonly_fields = (
        "sha256",
        "size",
        "unpacked_size",
        "file_count",
        "uploaded_by",
        "created_at",
    )
