"""`hotline dates repair [--dry-run]`: find and mend the timestamps stored outside the range that
Hotline takes in (core/timerange.py: 2000-01-01 to 2100-12-31, city time), rows written before the
range was enforced and its database constraints existed.

An appeal's received time becomes its ticket's creation time (when the server took it in); every
other timestamp (the ticket's creation, deadlines of assignments, extensions, supervisions and
notifications) and the knowledge articles' validity dates are clamped to the nearest end of the
range, so that a deadline in year 9999 stays the latest there is and one in year 1 stays long past.
Each mended column is printed with the ids of its rows; `--dry-run` prints the same and changes
nothing. The migrations that add the constraints run the same repair first, so a database upgraded
with `hotline migrate` has nothing left to mend; the command is for a check, or for rows restored
from an older backup.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core import timerange


class Command(BaseCommand):
    help = "Find (and, without --dry-run, mend) timestamps stored outside 2000-01-01..2100-12-31."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{repair}")
        repair = sub.add_parser("repair", help="mend rows whose timestamps are out of range")
        repair.add_argument("--dry-run", action="store_true", help="only list what would be mended")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        found = 0
        with transaction.atomic():
            for column in timerange.COLUMNS:
                ids = timerange.repair(column, dry_run=dry_run)
                if ids:
                    found += len(ids)
                    shown = ", ".join(str(i) for i in ids[:20]) + ("…" if len(ids) > 20 else "")
                    self.stdout.write(
                        _("%(column)s：%(count)s 行超出范围（编号 %(ids)s）")
                        % {"column": f"{column.model}.{column.field}", "count": len(ids), "ids": shown}
                    )
        if not found:
            self.stdout.write(_("没有超出 %(range)s 的时间") % {"range": timerange.range_text()})
        elif dry_run:
            self.stdout.write(_("共 %(count)s 行，未修改（--dry-run）") % {"count": found})
        else:
            self.stdout.write(_("共 %(count)s 行，已修复") % {"count": found})
