"""The admin site: Django's, with its sections in the order of the loop (INSTALLED_APPS: users and
departments first, then intake, tickets, replies, ... ) rather than alphabetical, which in Chinese
is the order of code points, no order at all to a reader; Django's own apps and the task queue
come after Hotline's."""

from typing import Any

import django.contrib.admin.apps
from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy


class HotlineAdminSite(admin.AdminSite):
    # Its pages' header and the browser's title name the hotline, not the framework ("Django 管理").
    site_header = gettext_lazy("12345 热线管理后台")
    site_title = gettext_lazy("12345 热线管理后台")
    index_title = gettext_lazy("系统管理")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        app_list = super().get_app_list(request, app_label)
        position = {config.label: i for i, config in enumerate(apps.get_app_configs())}
        ours = {config.label for config in apps.get_app_configs() if config.name.startswith("hotline.")}
        app_list.sort(
            key=lambda app: (app["app_label"] not in ours, position.get(app["app_label"], len(position)))
        )
        return app_list


class AdminConfig(django.contrib.admin.apps.AdminConfig):
    """django.contrib.admin with `HotlineAdminSite` as `admin.site`; INSTALLED_APPS names it."""

    default_site = "hotline.core.admin_site.HotlineAdminSite"
