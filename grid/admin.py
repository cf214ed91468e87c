from django.contrib import admin

from core import admin_forms as bounded
from grid.models import (
    Assignment,
    Category,
    ChecklistItem,
    DailyReport,
    DutyShift,
    DutyTemplate,
    Grid,
    Incident,
    Step,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(bounded.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class AssignmentInline(bounded.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Grid)
class GridAdmin(bounded.ModelAdmin):
    list_display = ["name", "community"]
    list_filter = ["community"]
    filter_horizontal = ["compounds"]
    raw_id_fields = ["buildings"]
    inlines = [AssignmentInline]


@admin.register(DutyTemplate)
class DutyTemplateAdmin(bounded.ModelAdmin):
    list_display = ["assignment", "weekdays", "start_time", "minutes", "active"]


@admin.register(DutyShift)
class DutyShiftAdmin(bounded.ModelAdmin):
    list_display = ["staff", "grid", "role", "starts_at", "status", "late"]
    list_filter = ["status", "role", "late"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["assignment", "staff", "template"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(bounded.ModelAdmin):
    """A community adds its own inspection items here (the defaults have no community)."""

    list_display = ["text", "code", "community", "position"]
    list_filter = ["community"]


@admin.register(Category)
class CategoryAdmin(bounded.ModelAdmin):
    list_display = ["name", "code", "severity"]


class StepInline(bounded.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(bounded.ModelAdmin):
    """Read here; steps are taken through the app so that the timeline stays whole."""

    list_display = ["__str__", "grid", "status", "unit", "deadline", "overdue"]
    list_filter = ["status", "overdue", "grid__community"]
    readonly_fields = [
        "status",
        "unit",
        "deadline",
        "closed_at",
        "escalation",
        "overdue",
        "rating",
        "measures",
    ]
    inlines = [StepInline]


@admin.register(DailyReport)
class DailyReportAdmin(bounded.ModelAdmin):
    list_display = ["community", "day", "generated_at"]
    readonly_fields = ["figures"]
