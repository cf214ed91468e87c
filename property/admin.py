from django.contrib import admin

from accounts.services import principal_forget
from core import admin_forms as bounded
from property.models import (
    Bill,
    BillingRun,
    Building,
    Community,
    Compound,
    FeeItem,
    Household,
    ManagementPlan,
    ParkingSpace,
    Residency,
    Resident,
    ServiceContract,
    ServiceProvider,
    Subdistrict,
)


@admin.register(Subdistrict)
class SubdistrictAdmin(bounded.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(bounded.ModelAdmin):
    list_display = ["name", "subdistrict", "phone"]
    list_filter = ["subdistrict"]
    search_fields = ["name"]


class ManagementPlanInline(bounded.StackedInline):
    model = ManagementPlan
    extra = 0


class ServiceContractInline(bounded.TabularInline):
    model = ServiceContract
    extra = 0
    autocomplete_fields = ["provider"]


@admin.register(Compound)
class CompoundAdmin(bounded.ModelAdmin):
    list_display = ["name", "community", "year_built", "is_old", "management_mode"]
    list_filter = ["community", "management_mode", "is_old"]
    search_fields = ["name", "address"]
    inlines = [ManagementPlanInline, ServiceContractInline]


@admin.register(Building)
class BuildingAdmin(bounded.ModelAdmin):
    list_display = ["name", "compound", "floors", "entrances"]
    list_filter = ["compound__community"]
    search_fields = ["name", "compound__name"]
    autocomplete_fields = ["compound"]


class ResidencyInline(bounded.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["resident", "household"]


class ForgetHomesMixin:
    """Residencies edited here change who may see which household: clear the cached homes."""

    def save_related(self, request, form, formsets, change):
        users = set(
            Residency.objects.filter(**{self.residency_owner: form.instance}).values_list(
                "resident__user_id", flat=True
            )
        )
        super().save_related(request, form, formsets, change)
        users |= set(
            Residency.objects.filter(**{self.residency_owner: form.instance}).values_list(
                "resident__user_id", flat=True
            )
        )
        users.add(getattr(form.instance, "user_id", None))
        for user_id in users - {None}:
            principal_forget(user_id)


@admin.register(Household)
class HouseholdAdmin(ForgetHomesMixin, bounded.ModelAdmin):
    residency_owner = "household"
    list_display = ["__str__", "floor", "building_area", "area_source"]
    list_filter = ["building__compound__community", "area_source"]
    search_fields = ["unit_label", "building__name", "building__compound__name"]
    autocomplete_fields = ["building"]
    list_select_related = ["building__compound"]
    inlines = [ResidencyInline]


@admin.register(Resident)
class ResidentAdmin(ForgetHomesMixin, bounded.ModelAdmin):
    residency_owner = "resident"
    list_display = ["name", "phone", "id_number_masked", "is_party_member"]
    list_filter = ["is_party_member"]
    search_fields = ["name", "phone"]
    readonly_fields = ["id_number_masked", "created_at"]
    autocomplete_fields = ["user"]
    inlines = [ResidencyInline]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(bounded.ModelAdmin):
    list_display = ["name", "credit_code", "contact_name", "contact_phone"]
    search_fields = ["name"]


@admin.register(ServiceContract)
class ServiceContractAdmin(bounded.ModelAdmin):
    list_display = ["provider", "compound", "starts_on", "ends_on", "service_standard"]
    autocomplete_fields = ["provider", "compound"]


@admin.register(FeeItem)
class FeeItemAdmin(bounded.ModelAdmin):
    list_display = [
        "name",
        "compound",
        "kind",
        "unit_price",
        "cycle_months",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["kind", "compound__community"]
    search_fields = ["name", "compound__name"]
    autocomplete_fields = ["compound"]


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(bounded.ModelAdmin):
    list_display = ["code", "compound", "household"]
    search_fields = ["code", "compound__name"]
    autocomplete_fields = ["compound", "household"]


@admin.register(BillingRun)
class BillingRunAdmin(bounded.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "households",
        "issued",
        "already_issued",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in BillingRun._meta.fields]

    def has_add_permission(self, request):
        return False  # runs are requested through the API or beat, which enqueue them


@admin.register(Bill)
class BillAdmin(bounded.ModelAdmin):
    """Bills are never edited once issued: corrections are adjustments."""

    list_display = ["household", "fee_item", "period_start", "amount", "status", "due_on"]
    list_filter = ["status", "period_start"]
    search_fields = ["household__unit_label", "household__building__compound__name"]
    list_select_related = ["household__building__compound", "fee_item"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
