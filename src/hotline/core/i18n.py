"""gettext for the modules that also run without Django settings (the benchmarks read CSVs with them)."""

from django.conf import settings
from django.utils.translation import gettext as django_gettext


def gettext(message: str) -> str:
    """`message` in the active language; as it is when Django is not configured."""
    return django_gettext(message) if settings.configured else message
