from django.contrib import admin

from content_authoring.media.models import MediaAsset, Rendition


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    readonly_fields = ["name", "file", "mime_type", "size_bytes", "width", "height"]
    can_delete = False


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "course", "kind", "status", "progress", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "course__title"]
    raw_id_fields = ["course", "created_by"]
    readonly_fields = ["status", "progress", "error_code", "error_detail", "duration"]
    inlines = [RenditionInline]
