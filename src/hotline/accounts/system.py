"""The platform's own user, to which the steps it takes by itself (automatic dispatch) are attributed."""

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
