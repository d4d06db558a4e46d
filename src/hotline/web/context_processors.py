from functools import cache
from typing import Any, cast

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES
from hotline.web.notifications import MOST_COUNTED, unread_count
from hotline.web.overview import OVERVIEW_ROLES


def site(request: HttpRequest) -> dict[str, Any]:
    """What every staff page's frame shows: the city, the links the user may follow, htmx if installed."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "city_name": settings.HOTLINE["CITY_NAME"],
        "can_receive": role in ACTION_ROLES["receive"],
        "can_dispatch": role in ACTION_ROLES["dispatch"],
        "can_handle": role in ACTION_ROLES["accept"],
        "can_callback": role in ACTION_ROLES["callback"],
        "can_supervise": role in ACTION_ROLES["supervise"],
        "can_review_extension": role in ACTION_ROLES["review_extension"],
        "can_review_reply": role in ACTION_ROLES["review_reply"],
        "can_edit_article": role in ACTION_ROLES["edit_article"],
        "can_mark_case": role in ACTION_ROLES["mark_case"],
        "can_manage_reply_templates": role in ACTION_ROLES["manage_reply_templates"],
        "can_publish_suggestion": role in ACTION_ROLES["publish_suggestion"],
        "can_overview": role in OVERVIEW_ROLES,
        # A grid worker's tickets are their reports: listed by 我的上报 (web.grid), not searched.
        "can_grid_report": role in ACTION_ROLES["grid_report"],
        # A unit head's own unit's reports (web.overview.unit_scope).
        "can_unit_figures": role in ACTION_ROLES["view_unit_figures"],
        "htmx_installed": _htmx_installed(),
        # Counted only where a page shows it (the nav of a whole page, not an htmx part): a callable
        # is called by the template that reads it.
        "unread_notifications": (lambda: unread_count(cast(User, user))) if role is not None else 0,
        "most_counted": MOST_COUNTED,
    }


@cache
def _htmx_installed() -> bool:
    # Looked up once per process: the static files do not change while it runs, and a lookup
    # touches the file system on every page otherwise.
    return bool(finders.find("vendor/htmx/htmx.min.js"))
