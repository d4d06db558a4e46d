"""`hotline import FILE [--preset tipdm | --mapping map.toml] [--dry-run] [--skip-invalid] [--channel C]`:
appeals from a CSV or Excel (.xlsx) file, through the same intake as live contacts.

Every row is read and checked before anything is written; each rejected row is named with its line
and every fault it has, by the file's own column headers. With rejected rows nothing is stored (exit
status 1) unless `--skip-invalid` says to store the others (exit status 1 all the same when every
row was rejected); a file imported twice adds nothing the second time (the channel and the row's
external id). `--dry-run` makes the same checks and comes to the same outcome (the same
rejections, the same exit status), and only writes nothing. The new tickets are stored in one
transaction and handed to the worker for routing. The mapping of columns to fields:
`hotline.intake.channels.imports`.
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.core.errors import HotlineError
from hotline.intake.channels import imports, reports


class Progress:
    """A one-line progress bar on stderr when it is a terminal; nothing otherwise."""

    WIDTH = 30

    def __init__(self, stream: Any, total: int, label: str) -> None:
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        if not self.shown:
            return
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}", ending="")
        self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("")


class Command(BaseCommand):
    help = "Import appeals from a CSV or .xlsx file (presets: hotline, tipdm; or a TOML mapping)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--preset",
            choices=sorted(imports.PRESETS),
            default=None,
            help="a built-in mapping of columns (default: hotline, the fields' own names as headers)",
        )
        how.add_argument("--mapping", type=Path, help="a TOML file mapping fields to the file's columns")
        parser.add_argument("--channel", default=None, help="record the appeals under this channel")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report as the real run would; store nothing",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="store the good rows even when some are rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.monotonic()
        try:
            if options["mapping"] is not None:
                mapping = imports.load_mapping(options["mapping"])
            else:
                mapping = imports.PRESETS[options["preset"] or "hotline"]
            mapping = imports.with_channel(mapping, options["channel"])
            found = imports.plan(path, mapping)
            for rejected in found.rejected:
                self.stderr.write(
                    _("%(file)s 第 %(line)s 行：%(reason)s")
                    % {"file": path.name, "line": rejected.line, "reason": rejected.reason}
                )
            checked = time.monotonic()
            bar = Progress(self.stderr, len(found.new), _("导入"))
            outcome = imports.run(
                found, dry_run=options["dry_run"], skip_invalid=options["skip_invalid"], progress=bar
            )
            bar.end()
        except HotlineError as exc:
            raise CommandError(exc.message) from None
        counts = {
            "file": path.name,
            "read": outcome.read,
            "created": outcome.created,
            "present": outcome.present,
            "rejected": len(outcome.rejected),
        }
        done = time.monotonic()
        # The time of the whole and of its two steps: reading and checking the file, then storing.
        times = f"（{done - started:.1f} s = {checked - started:.1f} s + {done - checked:.1f} s）"
        if outcome.dry_run:
            summary = _(
                "%(file)s：读取 %(read)s 行，将新建 %(created)s，已存在 %(present)s，拒绝 %(rejected)s"
            )
            self.stdout.write(reports.dry_run(summary % counts + times))
        else:
            summary = _("%(file)s：读取 %(read)s 行，新建 %(created)s，已存在 %(present)s，拒绝 %(rejected)s")
            self.stdout.write(summary % counts + times)
        if outcome.blocked:
            refusal = _(
                "%(count)s 行被拒绝，未导入任何数据：修正后重新导入，或加 --skip-invalid 只导入其余各行"
            ) % {"count": len(outcome.rejected)}
            raise CommandError(reports.dry_run(refusal) if outcome.dry_run else refusal)
        if outcome.all_rejected:
            refusal = _("%(count)s 行全部被拒绝，未导入任何数据") % {"count": len(outcome.rejected)}
            raise CommandError(reports.dry_run(refusal) if outcome.dry_run else refusal)
        if outcome.created and not outcome.dry_run:
            self.stdout.write(_("新工单由后台任务（hotline worker）智能分拨"))
