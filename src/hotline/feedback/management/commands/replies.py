"""`hotline replies check FILE.csv`: the reply-quality check (答复质量) over a file of replies.

    hotline replies check replies.csv > scores.csv

The file is UTF-8 CSV with the header `id,appeal_title,appeal_text,reply`; each row is scored as a
department's reply would be when sent (`feedback.quality.check`), and the command prints
`id,relevance,completeness,interpretability,weak`: three scores from 0 to 1 and yes/no. With
`--reasons` a sixth column says, per criterion under its cut, what is missing.

A bad file (missing, not UTF-8, wrong header, a row with the wrong number of columns, an empty or
repeated id, no reply) stops with a message naming the line, before anything is printed.
"""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.feedback.quality import CRITERIA, CRITERION_NAMES, check

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
                ["；".join(f"{_(CRITERION_NAMES[c])}：{'，'.join(r)}" for c, r in result.reasons.items())]
                if options["reasons"]
                else []
            )
            writer.writerow(
                [
                    row_id,
                    *(f"{getattr(result, c):.2f}" for c in CRITERIA),
                    "yes" if result.weak else "no",
                    *reasons,
                ]
            )


def read_replies(path: Path) -> list[tuple[str, str, str, str]]:
    """The rows of a reply file; a CommandError naming the file and line for anything wrong in it."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise CommandError(_("%(file)s: 文件为空") % {"file": path})
            if [h.strip() for h in header] != list(COLUMNS):
                raise CommandError(
                    _("%(file)s 第 1 行：表头应为 %(expected)s，实为 %(found)s")
                    % {"file": path, "expected": ",".join(COLUMNS), "found": ",".join(header)}
                )
            rows = []
            seen: set[str] = set()
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(COLUMNS):
                    raise CommandError(
                        _("%(file)s 第 %(line)d 行：应有 %(expected)d 列，实有 %(found)d 列")
                        % {"file": path, "line": line, "expected": len(COLUMNS), "found": len(row)}
                    )
                row_id, title, text, reply = (cell.strip() for cell in row)
                if not row_id:
                    raise CommandError(_("%(file)s 第 %(line)d 行：id 为空") % {"file": path, "line": line})
                if row_id in seen:
                    raise CommandError(
                        _("%(file)s 第 %(line)d 行：id %(id)s 重复")
                        % {"file": path, "line": line, "id": row_id}
                    )
                if not (title or text):
                    raise CommandError(
                        _("%(file)s 第 %(line)d 行：诉求须有标题或内容") % {"file": path, "line": line}
                    )
                if not reply:
                    raise CommandError(_("%(file)s 第 %(line)d 行：答复为空") % {"file": path, "line": line})
                seen.add(row_id)
                rows.append((row_id, title, text, reply))
    except OSError as exc:
        raise CommandError(
            _("%(file)s: 无法读取（%(error)s）") % {"file": path, "error": exc.strerror or exc}
        ) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(file)s: 不是 UTF-8 编码的 CSV 文件") % {"file": path}) from None
    except csv.Error as exc:
        raise CommandError(_("%(file)s: CSV 格式错误（%(error)s）") % {"file": path, "error": exc}) from None
    return rows
