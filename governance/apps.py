from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from accounts.roles import register_role_provider
        from governance.roles import seat_roles

        register_role_provider(seat_roles)

        from governance.project_conditions import register_all

        register_all()  # the consultation, the plan's agreement and a governing body, for renovation
