from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "hotline.routing"
    label = "routing"
    verbose_name = _("智能分拨")

    def ready(self) -> None:
        from hotline.routing import reference

        reference.watch()
