from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CitizenMessagesConfig(AppConfig):
    name = "hotline.citizen_messages"
    label = "citizen_messages"
    verbose_name = _("告知市民")

    def ready(self) -> None:
        from hotline.citizen_messages.senders import check_senders

        checks.register(check_senders)
