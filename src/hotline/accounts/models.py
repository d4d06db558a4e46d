import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.enums import Role

# Roles that work across the whole city rather than inside one department.
CITYWIDE_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


class User(AbstractUser):
    """A member of staff. Citizens have no login."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}…"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        raw = "hl_" + secrets.token_urlsafe(32)
        # The prefix names the token on the command line (`hotline token revoke PREFIX`), where one
        # starting with "-" would read as an option; one draw in 64 does, and is drawn again.
        while raw[3] == "-":
            raw = "hl_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[3:11], key_hash=hash_token(raw))
        return token, raw


class AuthFailure(models.Model):
    """One failed sign-in or bad API token, counted for the throttle (`accounts.throttle`).

    In the database rather than in a cache, because no shared cache is configured and every web
    process must see the same count. The key (a username with an address, an address) is stored
    only as a keyed hash; rows older than the window are pruned as new ones are written.
    """

    kind = models.CharField(_("类别"), max_length=16)
    key_hash = models.CharField(_("键摘要"), max_length=64)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("认证失败记录")
        verbose_name_plural = _("认证失败记录")
        indexes = [models.Index(fields=["kind", "key_hash", "at"], name="accounts_authfail_key_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_hash[:8]} {self.at:%Y-%m-%d %H:%M}"


class KnownSignIn(models.Model):
    """A username that signed in from an address, when it last did (`accounts.throttle.known`).

    The lock of an address that many usernames failed from (password spraying) neither counts nor
    refuses the usernames that signed in from there before: a call centre behind one NAT address
    keeps working while a spray from it locks the address for usernames new to it. The pair
    is stored only as a keyed hash; rows older than LOGIN_ADDRESS_THROTTLE["KNOWN_DAYS"] are pruned
    as new ones are written.
    """

    key_hash = models.CharField(_("键摘要"), max_length=64, unique=True)
    at = models.DateTimeField(_("最近登录时间"), db_index=True)

    class Meta:
        verbose_name = _("已知登录地址")
        verbose_name_plural = _("已知登录地址")

    def __str__(self) -> str:
        return f"{self.key_hash[:8]} {self.at:%Y-%m-%d %H:%M}"
