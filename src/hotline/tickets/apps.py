from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    label = "tickets"
    verbose_name = _("工单")

    def ready(self) -> None:
        from hotline.tickets.router import check_router

        checks.register(check_router)
