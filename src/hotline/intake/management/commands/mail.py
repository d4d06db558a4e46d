"""`hotline mail fetch [--source CHANNEL=URL ...] [--dry-run]`: take in the letters waiting in the
mailboxes (信箱, 领导信箱) once, as `hotline worker` does every HOTLINE_MAIL_INTERVAL seconds.

Without `--source` it reads the mailboxes of HOTLINE_MAILBOXES (`intake/channels/mail.py` says how
they are written). A letter that cannot be taken in is named with the reason and left in its
mailbox to be tried again; the exit status is then 1. `--dry-run` reads and checks every letter as
the real run would and reports what it would create, thread onto a ticket and refuse (the same
refusals, the same exit status), writing nothing and leaving every letter unread.
"""

import imaplib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.core.errors import HotlineError
from hotline.intake.channels import mail, reports


class Command(BaseCommand):
    help = "Fetch the letters of the mailboxes (maildir, mbox, IMAP) into appeals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{fetch}")
        fetch = sub.add_parser("fetch", help="take in the letters waiting in the mailboxes")
        fetch.add_argument(
            "--source",
            action="append",
            default=None,
            help="CHANNEL=URL, e.g. mailbox=maildir:///srv/mail (repeatable; default HOTLINE_MAILBOXES)",
        )
        fetch.add_argument(
            "--dry-run",
            action="store_true",
            help="check every letter and say what a real run would do; store nothing, mark nothing read",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sources = mail.sources(" ".join(options["source"]) if options["source"] else None)
        except HotlineError as exc:
            raise CommandError(exc.message) from None
        if not sources:
            raise CommandError(_("没有配置信箱：设置 HOTLINE_MAILBOXES，或用 --source 渠道=地址"))
        failed = 0
        for source in sources:
            try:
                report = mail.fetch(source, dry_run=options["dry_run"])
            # As the worker's fetch (mail.fetch_mail): a server that fails a command once signed in
            # (BAD, or the line dropped) raises imaplib's own error, which is no OSError.
            except (HotlineError, OSError, imaplib.IMAP4.error) as exc:
                message = exc.message if isinstance(exc, HotlineError) else str(exc)
                self.stderr.write(
                    _("%(source)s：无法读取（%(error)s）") % {"source": source.label, "error": message}
                )
                failed += 1
                continue
            self.stdout.write(summary(report))
            for line in report.failed:
                self.stderr.write(f"  {line}")
            failed += len(report.failed)
        if failed:
            refusal = _("%(count)s 项未能收取，见上") % {"count": failed}
            raise CommandError(reports.dry_run(refusal) if options["dry_run"] else refusal)


def summary(report: mail.FetchReport) -> str:
    """A mailbox's line: what was done, or for a dry run what the real run would do."""
    counts = {
        "source": report.source,
        "read": report.read,
        "created": report.created,
        "joined": report.joined,
        "present": report.present,
        "files": report.files,
        "refused": report.refused_files,
        "failed": len(report.failed),
    }
    if report.dry_run:
        return reports.dry_run(
            _(
                "%(source)s：读取 %(read)s 封，将新建 %(created)s，将并入原工单 %(joined)s，"
                "已收取 %(present)s，附件将保存 %(files)s、不保存 %(refused)s，将拒绝 %(failed)s"
            )
            % counts
        )
    return (
        _(
            "%(source)s：读取 %(read)s 封，新建 %(created)s，并入原工单 %(joined)s，"
            "已收取 %(present)s，附件保存 %(files)s、未保存 %(refused)s，失败 %(failed)s"
        )
        % counts
    )
