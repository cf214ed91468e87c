from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "property"
    verbose_name = _("Estate register")

    def ready(self):
        from accounts.permissions import register_scope_loader
        from accounts.roles import register_role_provider
        from property.roles import resident_roles
        from property.selectors import own_households

        register_role_provider(resident_roles)
        register_scope_loader(own_households)
