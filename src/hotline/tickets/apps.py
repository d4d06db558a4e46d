from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    label = "tickets"
