from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lms.models import Cohort, Commune, EthnicGroup, LearnerProfile, PeopleImport, User


class LearnerProfileInline(admin.StackedInline):
    model = LearnerProfile
    can_delete = False
    autocomplete_fields = ["commune", "ethnicity"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Platform"),
            {"fields": ("role", "full_name", "phone", "preferred_language")},
        ),
    )
    list_display = ("username", "full_name", "phone", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone", "email")
    inlines = [LearnerProfileInline]


@admin.register(EthnicGroup)
class EthnicGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "other_names")
    search_fields = ("code", "name", "other_names")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "former_district", "former_province")
    list_filter = ("former_province", "division_type")
    search_fields = ("name", "search_name", "former_district")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    """Read-only: imports are made and committed through the people pages."""

    list_display = ("filename", "cohort", "status", "created_count", "updated_count")
    list_filter = ("status",)
    readonly_fields = [f.name for f in PeopleImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
