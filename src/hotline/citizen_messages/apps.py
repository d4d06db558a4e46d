from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenMessagesConfig(AppConfig):
    name = "hotline.citizen_messages"
    label = "citizen_messages"
    verbose_name = _("告知市民")
