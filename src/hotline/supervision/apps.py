from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "hotline.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from hotline.notifications.backends import say_sent_with
        from hotline.supervision.wording import notice_stored

        # A notice sent by e-mail or webhook says a ticket's title with its numbers masked, as the
        # inbox and the API say it (docs/adr/0017), its callers' own numbers too.
        say_sent_with(notice_stored)
