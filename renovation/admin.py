from django.contrib import admin

from core import admin_forms as bounded
from renovation.models import CatalogueItem, Contract, Funding, Project, ProjectItem, StageDate


@admin.register(CatalogueItem)
class CatalogueItemAdmin(bounded.ModelAdmin):
    list_display = ["code", "name", "group", "tier", "community"]
    list_filter = ["group", "tier"]
    search_fields = ["name", "code"]


class StageDateInline(bounded.TabularInline):
    model = StageDate
    extra = 0


class ProjectItemInline(bounded.TabularInline):
    model = ProjectItem
    extra = 0
    readonly_fields = ["percent", "note", "updated_at"]


class FundingInline(bounded.TabularInline):
    model = Funding
    extra = 0


@admin.register(Project)
class ProjectAdmin(bounded.ModelAdmin):
    list_display = ["name", "community", "year", "batch", "stage"]
    list_filter = ["stage", "year"]
    search_fields = ["name"]
    readonly_fields = ["stage", "created_by", "created_at"]
    inlines = [StageDateInline, ProjectItemInline, FundingInline]

    def get_readonly_fields(self, request, obj=None):
        # A project moves through its stages on its pages (services.project_advance); the back office
        # sets a stage only when it enters a project, e.g. a renovation done before Gongzhi, handed over.
        if obj is None:
            return [f for f in self.readonly_fields if f != "stage"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Contract)
class ContractAdmin(bounded.ModelAdmin):
    list_display = ["project", "unit", "role", "value", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["contact_user"]
