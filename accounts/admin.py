from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, AuditEvent, Post, User
from accounts.services import principal_forget
from core import admin_forms as bounded


class PostInline(bounded.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["community", "subdistrict", "compounds"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Gongzhi"), {"fields": ("name",)}),)
    list_display = ["username", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "name", "email"]
    inlines = [PostInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        principal_forget(form.instance.pk)


@admin.register(Post)
class PostAdmin(bounded.ModelAdmin):
    list_display = ["user", "role", "subdistrict", "community", "unit", "started_on", "ended_on"]
    list_filter = ["role", "community"]
    search_fields = ["user__username", "user__name", "unit"]
    autocomplete_fields = ["user", "community", "subdistrict", "compounds"]

    def save_model(self, request, obj, form, change):
        previous = Post.objects.filter(pk=obj.pk).values_list("user_id", flat=True).first()
        super().save_model(request, obj, form, change)
        for user_id in {previous, obj.user_id} - {None}:
            principal_forget(user_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        principal_forget(obj.user_id)


@admin.register(ApiToken)
class ApiTokenAdmin(bounded.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix"]

    def has_add_permission(self, request):
        return False  # tokens are issued through the API, which shows the key once


@admin.register(AuditEvent)
class AuditEventAdmin(bounded.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_type", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
