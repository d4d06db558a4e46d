from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupConfig(AppConfig):
    name = "hotline.dedup"
    label = "dedup"
    verbose_name = _("重复诉求识别")
