"""API tokens from the command line.

`hotline token create USERNAME [--name NAME]`, `hotline token revoke PREFIX`, `hotline token list [USERNAME]`.

`create` prints the new token alone on stdout (so a script can capture it) and the rest on stderr;
the token is shown this once, only its hash is stored.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from hotline.accounts.models import ApiToken, User, hash_token


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
            raise CommandError(f"用户 {username!r} 不存在")
        if not user.is_active:
            raise CommandError(f"用户 {username!r} 已停用，不能签发令牌")
        if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CommandError("--name 过长（最多 100 个字符）")
        token, raw = ApiToken.issue(user, name=name)
        self.stdout.write(raw)
        self.stderr.write(
            f"已为 {user.username}（{user.get_role_display()}）签发令牌 {token.prefix}…"
            f"{'，名称：' + name if name else ''}。令牌只显示这一次，请妥善保存。",
            style_func=lambda text: text,
        )

    def revoke(self, prefix: str) -> None:
        prefix = prefix.strip().removesuffix("…")
        with transaction.atomic():
            if prefix.startswith("hl_") and len(prefix) > 11:  # the whole token
                tokens = list(ApiToken.objects.select_for_update().filter(key_hash=hash_token(prefix)))
            else:
                tokens = list(ApiToken.objects.select_for_update().filter(prefix=prefix.removeprefix("hl_")))
            if not tokens:
                raise CommandError(f"没有前缀为 {prefix!r} 的令牌")
            if len(tokens) > 1:
                owners = "、".join(sorted(t.user.username for t in tokens))
                raise CommandError(f"前缀 {prefix!r} 对应多个令牌（{owners}），请给出完整令牌")
            token = tokens[0]
            if token.revoked:
                self.stdout.write(f"令牌 {token.prefix}…（{token.user.username}）早已吊销")
                return
            token.revoked = True
            token.save(update_fields=["revoked"])
        self.stdout.write(self.style.SUCCESS(f"已吊销令牌 {token.prefix}…（{token.user.username}）"))

    def list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            if not User.objects.filter(username=username).exists():
                raise CommandError(f"用户 {username!r} 不存在")
            tokens = tokens.filter(user__username=username)
        found = False
        for token in tokens:
            found = True
            used = (
                timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
                if token.last_used_at
                else "从未使用"
            )
            state = "已吊销" if token.revoked else "有效"
            created = timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")
            line = f"{token.prefix}  {token.user.username}  {state}  创建 {created}  最近使用 {used}"
            self.stdout.write(f"{line}  {token.name}".rstrip())
        if not found:
            self.stdout.write("没有令牌")
