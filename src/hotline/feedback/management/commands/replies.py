"""`hotline replies check FILE.csv`: the reply-quality check (答复质量) over a file of replies.

    hotline replies check replies.csv > scores.csv

The file is CSV (UTF-8 or GB18030, read as `hotline import` reads it) with the header
`id,appeal_title,appeal_text,reply`; each row is scored as a department's reply would be when sent
(`feedback.quality.check`), and the command prints `id,relevance,completeness,interpretability,
weak`: three scores from 0 to 1 and yes/no. With `--reasons` a sixth column says, per criterion
under its cut, what is missing.

A bad file (missing, in neither encoding, wrong header, a row with the wrong number of columns, a
cell over the size limit, an empty or repeated id, no reply) stops with a message naming the line,
before anything is printed.
"""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from hotline.core.csvfiles import line_error, read_records
from hotline.core.spreadsheets import csv_field
from hotline.feedback.quality import CRITERIA, CRITERION_NAMES, check, sentences

COLUMNS = ("id", "appeal_title", "appeal_text", "reply")


class Command(BaseCommand):
    help = "The reply-quality check: relevance, completeness and interpretability of replies in a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{check}")
        scored = sub.add_parser("check", help="score the replies of a CSV file: " + ",".join(COLUMNS))
        scored.add_argument("file", type=Path)
        scored.add_argument("--reasons", action="store_true", help="add a column with the reasons")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = read_replies(options["file"])
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["id", *CRITERIA, "weak", *(["reasons"] if options["reasons"] else [])])
        for row_id, title, text, reply in rows:
            result = check(title, text, reply)
            reasons = (
                [
                    "；".join(
                        f"{_(CRITERION_NAMES[c])}：{'，'.join(r)}"
                        for c, r in sentences(result.reasons).items()
                    )
                ]
                if options["reasons"]
                else []
            )
            writer.writerow(
                [
                    csv_field(row_id),
                    *(f"{getattr(result, c):.2f}" for c in CRITERIA),
                    "yes" if result.weak else "no",
                    *reasons,
                ]
            )


def read_replies(path: Path) -> list[tuple[str, str, str, str]]:
    """The rows of a reply file; a CommandError naming the file and line for anything wrong in it."""
    rows = []
    for record in read_records(path, COLUMNS):
        row_id, title, text, reply = record.cells
        if not (title or text):
            raise line_error(path, record.line, _("诉求须有标题或内容"))
        if not reply:
            raise line_error(path, record.line, _("答复为空"))
        rows.append((row_id, title, text, reply))
    return rows
