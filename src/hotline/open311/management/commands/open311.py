"""Open311 from the command line: the keys of client systems.

`hotline open311 key create NAME`, `hotline open311 key revoke PREFIX`, `hotline open311 key list`.

`create` prints the new key alone on stdout (so a script can capture it) and the rest on stderr;
the key is shown this once, only its hash is stored.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.core.api import control_character_refusal
from hotline.core.audit import command_done
from hotline.open311 import keys
from hotline.open311.models import ApiKey


class Command(BaseCommand):
    help = "Open311 GeoReport v2: create, revoke or list the api_keys of client systems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="area", required=True, metavar="{key}")
        key = sub.add_parser("key", help="the api_keys of client systems")
        action = key.add_subparsers(dest="action", required=True, metavar="{create,revoke,list}")
        create = action.add_parser("create", help="issue a key for a client system and print it")
        create.add_argument("name", help="the client system, e.g. 市民云 App")
        revoke = action.add_parser(
            "revoke",
            help="revoke a key by its prefix (as listed) or the whole key; a prefix that "
            "starts with '-' goes after '--'",
        )
        revoke.add_argument("prefix")
        action.add_parser("list", help="list the keys (not the secrets)")

    def handle(self, *args: Any, **options: Any) -> None:
        match options["action"]:
            case "create":
                self.create(options["name"])
            case "revoke":
                self.revoke(options["prefix"])
            case "list":
                self.list()

    def create(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise CommandError(_("接入系统名称不能为空"))
        if len(name) > ApiKey._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CommandError(_("接入系统名称过长（最多 100 个字符）"))
        # The name is printed back by `key list` and the admin: an escape sequence would drive the
        # terminal, a NUL cannot be stored on PostgreSQL.
        if (refusal := control_character_refusal(name)) is not None:
            raise CommandError(_("接入系统名称%(refusal)s") % {"refusal": refusal})
        key, raw = keys.issue(name)
        self.stdout.write(raw)
        command_done(f"Open311 key {key.prefix} issued to the client system {name!r}")
        self.stderr.write(
            _("已为接入系统“%(name)s”签发 Open311 密钥 %(prefix)s…。密钥只显示这一次，请妥善保存。")
            % {"name": name, "prefix": key.prefix},
            style_func=lambda text: text,
        )

    def revoke(self, prefix: str) -> None:
        found = keys.matching(prefix)
        if not found:
            raise CommandError(_("没有前缀为 %(prefix)r 的 Open311 密钥") % {"prefix": prefix})
        if len(found) > 1:
            names = _("、").join(sorted(k.name for k in found))
            raise CommandError(
                _("前缀 %(prefix)r 对应多个密钥（%(names)s），请给出完整密钥")
                % {"prefix": prefix, "names": names}
            )
        key = found[0]
        details = {"prefix": key.prefix, "name": key.name}
        if not keys.revoke(key):
            self.stdout.write(_("密钥 %(prefix)s…（%(name)s）早已吊销") % details)
            return
        command_done(f"Open311 key {key.prefix} of the client system {key.name!r} revoked")
        self.stdout.write(self.style.SUCCESS(_("已吊销密钥 %(prefix)s…（%(name)s）") % details))

    def list(self) -> None:
        found = False
        for key in ApiKey.objects.order_by("name", "created_at"):
            found = True

            def when(moment: Any) -> str:
                return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

            state = _("已吊销") if key.revoked_at else _("有效")
            used = when(key.last_used_at) if key.last_used_at else _("从未使用")
            self.stdout.write(
                _("%(prefix)s  %(name)s  %(state)s  创建 %(created)s  最近使用 %(used)s")
                % {
                    "prefix": key.prefix,
                    "name": key.name,
                    "state": state,
                    "created": when(key.created_at),
                    "used": used,
                }
            )
        if not found:
            self.stdout.write(_("还没有 Open311 密钥"))
