from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    name = "renovation"
    verbose_name = _("Renovation")

    def ready(self):
        from accounts.roles import register_role_provider
        from renovation.roles import contract_roles

        register_role_provider(contract_roles)
