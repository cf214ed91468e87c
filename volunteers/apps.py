from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from accounts.roles import register_role_provider
        from volunteers.roles import volunteer_roles

        register_role_provider(volunteer_roles)

        from volunteers.imports import register as register_import

        register_import()  # the volunteers ledger, a kind of property's imports
