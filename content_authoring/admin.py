from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from content_authoring import services
from content_authoring.models import Block, BlockTypePreference, BlockUserState


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = [
            "lesson",
            "block_type",
            "position",
            "fields",
            "required",
            "graded",
            "weight",
        ]

    def clean(self):
        cleaned = super().clean()
        block_type, values = cleaned.get("block_type"), cleaned.get("fields")
        if block_type and isinstance(values, dict):
            # Through the block type's own fields: HTML sanitised, URLs checked.
            try:
                cleaned["fields"] = services.block_fields_clean(
                    block_type=block_type, fields=values
                )
            except ValidationError as exc:
                self.add_error("fields", exc.messages)
        return cleaned


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    form = BlockForm
    list_display = ["id", "block_type", "lesson", "position", "required", "graded"]
    list_filter = ["block_type", "required", "graded"]
    search_fields = ["lesson__title", "lesson__course__title"]
    raw_id_fields = ["lesson"]
    list_select_related = ["lesson"]


@admin.register(BlockUserState)
class BlockUserStateAdmin(admin.ModelAdmin):
    list_display = ["block", "user", "updated_at"]
    raw_id_fields = ["block", "user"]
    list_select_related = ["block", "user"]


@admin.register(BlockTypePreference)
class BlockTypePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "block_type"]
    raw_id_fields = ["user"]
