from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "hotline.open311"
    label = "open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from hotline.core.http import register_error_shape
        from hotline.open311.formats import PREFIX, error_response

        # Every error under /open311/, the router's own and Django's (404, 405, 413, 414, 500),
        # in the specification's list of {code, description}.
        register_error_shape(PREFIX, error_response)
        if settings.HOTLINE["OPEN311"]["TYPE"] not in ("realtime", "batch"):
            raise ImproperlyConfigured("HOTLINE_OPEN311_TYPE must be realtime or batch")
