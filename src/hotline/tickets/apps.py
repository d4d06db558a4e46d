from django.apps import AppConfig
from django.core import checks


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    label = "tickets"

    def ready(self) -> None:
        from hotline.tickets.router import check_router

        checks.register(check_router)
