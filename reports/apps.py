from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Five-co reports")

    def ready(self):
        from accounts.home import register_home_panel
        from reports.home import home_panel

        register_home_panel(home_panel)
