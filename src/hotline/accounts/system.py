"""The platform's own users, to which the steps taken without a person at a desk are attributed: the
system user (automatic dispatch) and the portal user (a citizen's rating of the answer on the portal)."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured

from hotline.accounts.models import User
from hotline.core.enums import Role


def _platform_user(username: str, role: Role, first_name: str, refusal: str) -> User:
    """The user `username` with `role` and no usable password (nobody logs in as it), created on
    first use; `refusal` says why an existing user of that name in another role will not do."""
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "role": role, "password": make_password(None)},
    )
    if user.role != role or not user.is_active:
        raise ImproperlyConfigured(f"用户 {username} 已存在但{refusal}")
    return user


def system_user() -> User:
    """The system user (settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"]): it dispatches, so it has
    the dispatcher's role."""
    return _platform_user(
        settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"],
        Role.DISPATCHER,
        "系统",
        "不是启用的派单员，不能作为系统用户；请改用其他 HOTLINE['ROUTING']['SYSTEM_USERNAME']",
    )


def portal_user() -> User:
    """The user that citizens' own ratings on the portal (/portal/track/) are recorded as
    (settings.HOTLINE["PORTAL"]["USERNAME"]).

    A rating is a callback, which only the callback roles may record; the system user dispatches and
    must not. This one is an operator, and the staff see on the timeline that the citizen answered
    through the portal.
    """
    return _platform_user(
        settings.HOTLINE["PORTAL"]["USERNAME"],
        Role.OPERATOR,
        "市民网上评价",
        "不是启用的受理员，不能记录市民的网上评价；请改用其他 HOTLINE['PORTAL']['USERNAME']",
    )
