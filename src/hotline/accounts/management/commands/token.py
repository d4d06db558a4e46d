"""API tokens from the command line.

`hotline token create USERNAME [--name NAME]`, `hotline token revoke PREFIX`, `hotline token list [USERNAME]`.

`create` prints the new token alone on stdout (so a script can capture it) and the rest on stderr;
the token is shown this once, only its hash is stored.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.accounts.models import ApiToken, User, hash_token
from hotline.core.api import control_character_refusal
from hotline.core.audit import command_done


class Command(BaseCommand):
    help = "Create, revoke or list API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{create,revoke,list}")
        create = sub.add_parser("create", help="issue a new token for a user and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. the channel or script")
        revoke = sub.add_parser(
            "revoke",
            help="revoke a token by its prefix (as listed) or the whole token; a prefix that starts "
            "with '-' goes after '--'",
        )
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="list tokens (not the secrets)")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        match options["subcommand"]:
            case "create":
                self.create(options["username"], options["name"])
            case "revoke":
                self.revoke(options["prefix"])
            case "list":
                self.list(options["username"])

    def create(self, username: str, name: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户 %(username)r 不存在") % {"username": username})
        if not user.is_active:
            raise CommandError(_("用户 %(username)r 已停用，不能签发令牌") % {"username": username})
        if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CommandError(_("--name 过长（最多 100 个字符）"))
        # As the name of an Open311 key: printed back by `token list`, stored on PostgreSQL.
        if (refusal := control_character_refusal(name)) is not None:
            raise CommandError(f"--name {refusal}")
        token, raw = ApiToken.issue(user, name=name)
        self.stdout.write(raw)
        command_done(f"API token {token.prefix} issued to {user.username}")
        details = {
            "username": user.username,
            "role": user.get_role_display(),
            "prefix": token.prefix,
            "name": name,
        }
        issued = (
            _(
                "已为 %(username)s（%(role)s）签发令牌 %(prefix)s…，名称：%(name)s。"
                "令牌只显示这一次，请妥善保存。"
            )
            if name
            else _("已为 %(username)s（%(role)s）签发令牌 %(prefix)s…。令牌只显示这一次，请妥善保存。")
        )
        self.stderr.write(issued % details, style_func=lambda text: text)

    def revoke(self, prefix: str) -> None:
        prefix = prefix.strip().removesuffix("…")
        with transaction.atomic():
            if prefix.startswith("hl_") and len(prefix) > 11:  # the whole token
                tokens = list(ApiToken.objects.select_for_update().filter(key_hash=hash_token(prefix)))
            else:
                tokens = list(ApiToken.objects.select_for_update().filter(prefix=prefix.removeprefix("hl_")))
            if not tokens:
                raise CommandError(_("没有前缀为 %(prefix)r 的令牌") % {"prefix": prefix})
            if len(tokens) > 1:
                owners = _("、").join(sorted(t.user.username for t in tokens))
                raise CommandError(
                    _("前缀 %(prefix)r 对应多个令牌（%(owners)s），请给出完整令牌")
                    % {"prefix": prefix, "owners": owners}
                )
            token = tokens[0]
            if token.revoked:
                self.stdout.write(
                    _("令牌 %(prefix)s…（%(username)s）早已吊销")
                    % {"prefix": token.prefix, "username": token.user.username}
                )
                return
            token.revoked = True
            token.save(update_fields=["revoked"])
        command_done(f"API token {token.prefix} of {token.user.username} revoked")
        revoked = _("已吊销令牌 %(prefix)s…（%(username)s）") % {
            "prefix": token.prefix,
            "username": token.user.username,
        }
        self.stdout.write(self.style.SUCCESS(revoked))

    def list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            if not User.objects.filter(username=username).exists():
                raise CommandError(_("用户 %(username)r 不存在") % {"username": username})
            tokens = tokens.filter(user__username=username)
        found = False
        for token in tokens:
            found = True
            used = (
                timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
                if token.last_used_at
                else _("从未使用")
            )
            state = _("已吊销") if token.revoked else _("有效")
            created = timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")
            line = _("%(prefix)s  %(username)s  %(state)s  创建 %(created)s  最近使用 %(used)s") % {
                "prefix": token.prefix,
                "username": token.user.username,
                "state": state,
                "created": created,
                "used": used,
            }
            self.stdout.write(f"{line}  {token.name}".rstrip())
        if not found:
            self.stdout.write(_("没有令牌"))
