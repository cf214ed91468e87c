from django.contrib import admin

from renovation.models import CatalogueItem, Contract, Funding, Project, ProjectItem, StageDate


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "tier", "community", "record_item"]
    list_filter = ["group", "tier"]
    search_fields = ["name", "code"]


class StageDateInline(admin.TabularInline):
    model = StageDate
    extra = 0


class ProjectItemInline(admin.TabularInline):
    model = ProjectItem
    extra = 0
    readonly_fields = ["percent", "note", "updated_at"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "year", "batch", "stage"]
    list_filter = ["stage", "year"]
    search_fields = ["name"]
    readonly_fields = ["stage", "created_by", "created_at"]
    inlines = [StageDateInline, ProjectItemInline, FundingInline]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["project", "unit", "role", "value", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["contact_user"]
