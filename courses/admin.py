"""Administration of programs and courses until the authoring UI (issue 3)."""

from django.contrib import admin

from courses import services
from courses.models import Course, Enrollment, Lesson, Module, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "track", "slug"]
    list_filter = ["track"]
    prepopulated_fields = {"slug": ["name"]}


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "program",
        "language",
        "target_group",
        "status",
        "enrollment_mode",
    ]
    list_filter = [
        "status",
        "program__track",
        "language",
        "target_group",
        "enrollment_mode",
    ]
    search_fields = ["title", "slug"]
    filter_horizontal = ["trainers", "prerequisites"]
    inlines = [ModuleInline]

    def save_model(self, request, obj, form, change):
        # Through the service: text normalised, search document refreshed.
        services.course_save(course=obj)


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["title", "position", "status", "estimated_minutes"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position"]
    list_filter = ["course"]
    inlines = [LessonInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.course_id = form.instance.course_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "module", "position", "status"]
    list_filter = ["status", "course"]

    def save_model(self, request, obj, form, change):
        obj.course_id = obj.module.course_id
        super().save_model(request, obj, form, change)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "source", "progress", "completed_at"]
    list_filter = ["status", "source", "course"]
    search_fields = ["user__username", "user__full_name", "course__title"]
    readonly_fields = [
        "progress",
        "score",
        "completed_at",
        "last_lesson",
        "last_activity_at",
    ]
    raw_id_fields = ["user", "course", "cohort", "decided_by"]
