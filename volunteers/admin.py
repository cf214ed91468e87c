from django.contrib import admin

from core import admin_forms as bounded
from volunteers.models import ServiceType, Shift, ShiftTemplate, Signup, Volunteer


@admin.register(ServiceType)
class ServiceTypeAdmin(bounded.ModelAdmin):
    list_display = ["name", "code", "community"]


@admin.register(Volunteer)
class VolunteerAdmin(bounded.ModelAdmin):
    list_display = ["resident", "community", "status", "registered_at"]
    list_filter = ["status", "community"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]


class SignupInline(bounded.TabularInline):
    model = Signup
    extra = 0
    readonly_fields = ["volunteer", "status", "queued_at", "cancelled_at", "checked_in_at", "checked_out_at"]

    def has_add_permission(self, request, obj=None):
        return False  # sign-ups go through the service, which keeps the places and the waitlist right


@admin.register(Shift)
class ShiftAdmin(bounded.ModelAdmin):
    list_display = ["__str__", "community", "compound", "capacity", "status"]
    list_filter = ["status", "service_type", "community"]
    inlines = [SignupInline]


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(bounded.ModelAdmin):
    list_display = ["__str__", "community", "compound", "capacity", "active"]
    list_filter = ["active", "community"]
