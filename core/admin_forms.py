"""The admin's base classes: every change form of the back office holds its dates to core.bounds as the
pages and the API do (a fee item or a duty shift entered there in year 9999 is refused on its field)."""

from django.contrib import admin

from core.forms import BoundedModelForm


class ModelAdmin(admin.ModelAdmin):
    form = BoundedModelForm


class TabularInline(admin.TabularInline):
    form = BoundedModelForm


class StackedInline(admin.StackedInline):
    form = BoundedModelForm
