from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    name = "renovation"
    verbose_name = _("Renovation")

    def ready(self):
        from accounts.roles import register_role_provider
        from grid.permissions import register_delegation
        from grid.selectors import register_daily_section
        from renovation.permissions import incident_delegation
        from renovation.roles import contract_roles
        from renovation.selectors import daily_construction

        register_role_provider(contract_roles)
        register_delegation(incident_delegation)
        register_daily_section(daily_construction)
