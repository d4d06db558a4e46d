"""`hotline demo --tickets N --days D [--seed S] [--append]`: fill the database with a demo city."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.core.errors import HotlineError
from hotline.demo.generator import format_table, generate, login_rows, summary


class Command(BaseCommand):
    help = (
        "Fill the database with a demo city: departments, categories, a login for every role, and "
        "tickets in every state over the last days, made through the real ticket actions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=1000, help="number of tickets (default 1000)")
        parser.add_argument("--days", type=int, default=90, help="spread over the last D days (default 90)")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed; the same seed gives the same demo"
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="add to a database that already has departments or tickets (missing city parts are added)",
        )
        parser.add_argument(
            "--logins", action="store_true", help="only list the demo logins; generate nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.print_logins()
            return
        try:
            result = generate(
                tickets=options["tickets"],
                days=options["days"],
                seed=options["seed"],
                append=options["append"],
            )
        except HotlineError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(summary(result))
        self.stdout.write("")
        self.print_logins()

    def print_logins(self) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write(_("数据库中没有演示账号"))
            return
        self.stdout.write(_("演示账号："))
        self.stdout.write(format_table(rows, (_("用户名"), _("密码"), _("角色"), _("单位"))))
