"""`hotline taxonomy import FILE.csv` loads a three-level category tree; `hotline taxonomy tree` prints it.

The CSV has the header `一级分类,二级分类,三级分类` and one path per row; see `taxonomy/tree.py`.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core.errors import HotlineError
from hotline.taxonomy.models import Category
from hotline.taxonomy.tree import LEVEL_NAMES, merge_paths, read_tree_csv


class Command(BaseCommand):
    help = "Import (import FILE.csv) or print (tree) the three-level category tree."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import,tree}")
        importer = sub.add_parser("import", help="load a CSV with header 一级分类,二级分类,三级分类")
        importer.add_argument("file", type=Path)
        tree = sub.add_parser("tree", help="print the category tree")
        tree.add_argument("--depth", type=int, default=3, choices=[1, 2, 3])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self.import_file(options["file"])
        else:
            self.print_tree(options["depth"])

    def import_file(self, path: Path) -> None:
        try:
            rows = read_tree_csv(path)
        except HotlineError as exc:
            raise CommandError(exc.message) from None
        with transaction.atomic():
            report = merge_paths(row.path for row in rows)
        self.stdout.write(_("%(file)s: %(rows)s 行") % {"file": path.name, "rows": len(rows)})
        for level in (1, 2, 3):
            self.stdout.write(
                _("  %(level)s: 新增 %(created)s，已存在 %(existing)s")
                % {
                    "level": LEVEL_NAMES[level],
                    "created": report.created[level],
                    "existing": report.existing[level],
                }
            )
        self.stdout.write(self.style.SUCCESS(_("共新增 %(count)s 个分类") % {"count": report.total_created}))

    def print_tree(self, depth: int) -> None:
        children: dict[int | None, list[Category]] = {}
        for category in Category.objects.filter(level__lte=depth).order_by("code"):
            children.setdefault(category.parent_id, []).append(category)

        def walk(parent_id: int | None, indent: int) -> None:
            for node in children.get(parent_id, []):
                mark = "" if node.is_active else _("（停用）")
                self.stdout.write(f"{'  ' * indent}{node.code}  {node.name}{mark}")
                walk(node.pk, indent + 1)

        if not children:
            self.stdout.write(_("分类树为空"))
        walk(None, 0)
