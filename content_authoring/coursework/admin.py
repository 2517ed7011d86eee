from django.contrib import admin

from content_authoring.coursework.models import AssignmentSubmission, DiscussionPost


@admin.register(AssignmentSubmission)
class AssignmentSubmissionAdmin(admin.ModelAdmin):
    list_display = ("uuid", "user", "block", "status", "score", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("user", "block", "graded_by")
    readonly_fields = ("uuid", "submission_id", "file", "content_type", "size")


@admin.register(DiscussionPost)
class DiscussionPostAdmin(admin.ModelAdmin):
    list_display = ("author", "block", "hidden", "created_at")
    list_filter = ("hidden",)
    raw_id_fields = ("author", "block", "hidden_by")
