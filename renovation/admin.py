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


@admin.register(Contract)
class ContractAdmin(bounded.ModelAdmin):
    list_display = ["project", "unit", "role", "value", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["contact_user"]
