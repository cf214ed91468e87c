from django.contrib import admin

from core import admin_forms as bounded
from reports.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(bounded.ModelAdmin):
    list_display = ["code", "co", "target", "weight", "minimum_data", "lower_is_better", "active"]
    list_editable = ["target", "weight", "minimum_data", "active"]
    list_filter = ["co", "active"]
