"""The platform's own users, to which the steps taken without a person at a desk are attributed: the
system user (automatic dispatch) and the portal user (a citizen's rating of the answer on the portal)."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured

from hotline.accounts.models import User
from hotline.core.enums import Role


def system_user() -> User:
    """The system user (settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"]), created on first use.

    It dispatches, so it has the dispatcher's role; it has no usable password, so nobody logs in as it.
    """
    username = settings.HOTLINE["ROUTING"]["SYSTEM_USERNAME"]
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": "系统", "role": Role.DISPATCHER, "password": make_password(None)},
    )
    if user.role != Role.DISPATCHER or not user.is_active:
        raise ImproperlyConfigured(
            f"用户 {username} 已存在但不是启用的派单员，不能作为系统用户；"
            "请改用其他 HOTLINE['ROUTING']['SYSTEM_USERNAME']"
        )
    return user


def portal_user() -> User:
    """The user that citizens' own ratings on the portal (/portal/track/) are recorded as
    (settings.HOTLINE["PORTAL"]["USERNAME"]), created on first use.

    A rating is a callback, which only the callback roles may record; the system user dispatches and
    must not. This one is an operator with no usable password, so nobody logs in as it, and the
    staff see on the timeline that the citizen answered through the portal.
    """
    username = settings.HOTLINE["PORTAL"]["USERNAME"]
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": "市民网上评价", "role": Role.OPERATOR, "password": make_password(None)},
    )
    if user.role != Role.OPERATOR or not user.is_active:
        raise ImproperlyConfigured(
            f"用户 {username} 已存在但不是启用的受理员，不能记录市民的网上评价；"
            "请改用其他 HOTLINE['PORTAL']['USERNAME']"
        )
    return user
