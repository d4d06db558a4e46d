"""`hotline knowledge import|search|propose|reindex`: the knowledge base from the command line.

    hotline knowledge import FILE.csv|FILE.xlsx [--publish] [--dry-run]
    hotline knowledge search "TEXT" [--category CODE] [--top 5]
    hotline knowledge propose [--days 30]
    hotline knowledge reindex

`import` reads one article a row (columns in `knowledge/imports.py`): every row is checked first,
and a file with any bad row stores nothing and names each bad row with its line (exit 1). The
articles come in as drafts for review, or published with `--publish` (the file was reviewed).
`search` prints the articles an operator would see, with their scores. `propose` turns the
consultations closed in the last days whose answer satisfied the caller into proposed articles.
`reindex` segments every article again and recounts the words (after jieba's dictionary changed).
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from hotline.core import clock
from hotline.core.errors import InvalidInput
from hotline.knowledge import imports
from hotline.knowledge.actions import propose_from_consultations, recount_terms
from hotline.knowledge.models import Article
from hotline.knowledge.search import search
from hotline.knowledge.text import tokens
from hotline.taxonomy.models import Category

MAX_DAYS = 36500


class Command(BaseCommand):
    help = "The knowledge base: import articles, search, propose from consultations, reindex."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{import,search,propose,reindex}"
        )
        load = sub.add_parser("import", help="articles from a CSV or .xlsx file")
        load.add_argument("file", type=Path)
        load.add_argument("--publish", action="store_true", help="publish at once instead of drafts")
        load.add_argument("--dry-run", action="store_true", help="check the file, store nothing")
        find = sub.add_parser("search", help="the articles that answer a text")
        find.add_argument("text")
        find.add_argument(
            "--category", default="", help="a category's code: that category and those under it"
        )
        find.add_argument("--top", type=int, default=5)
        propose = sub.add_parser("propose", help="articles proposed from satisfied consultations")
        propose.add_argument("--days", type=int, default=None, help="how far back (default: the setting)")
        sub.add_parser("reindex", help="segment every article again and recount the words")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['subcommand']}")(options)

    def do_import(self, options: dict[str, Any]) -> None:
        try:
            planned = imports.plan(options["file"])
        except InvalidInput as error:
            raise CommandError(error.message) from None
        for problem in planned.problems:
            self.stderr.write(f"{planned.file} {problem}")
        if planned.problems:
            raise CommandError(
                _("%(file)s：%(n)d 行有误，未导入任何知识")
                % {"file": planned.file, "n": len(planned.problems)}
            )
        if options["dry_run"]:
            self.stdout.write(_("检查通过：%(n)d 条知识（未导入）") % {"n": len(planned.rows)})
            return
        made = imports.run(planned, publish=options["publish"])
        state = _("已发布") if options["publish"] else _("草稿，待审核")
        self.stdout.write(_("已导入 %(n)d 条知识（%(state)s）") % {"n": len(made), "state": state})

    def do_search(self, options: dict[str, Any]) -> None:
        if not 1 <= options["top"] <= 50:
            raise CommandError(_("--top 须在 1 到 50 之间"))
        category = None
        if options["category"]:
            category = Category.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(_("没有编码为 %(code)s 的分类") % {"code": options["category"]})
        for hit in search(options["text"], category=category, limit=options["top"]):
            self.stdout.write(
                f"{hit.article.pk}\t{hit.score:.2f}\t{hit.article.title}\t{'、'.join(hit.matched)}"
            )

    def do_propose(self, options: dict[str, Any]) -> None:
        days = (
            options["days"] if options["days"] is not None else settings.HOTLINE["KNOWLEDGE"]["PROPOSE_DAYS"]
        )
        # Past the range of dates (core.timerange) a number of days means nothing, and a huge one
        # overflows the date arithmetic.
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(_("--days 须在 1 到 %(max)d 之间") % {"max": MAX_DAYS})
        made = propose_from_consultations(clock.now() - timedelta(days=days))
        self.stdout.write(_("生成候选知识 %(n)d 条") % {"n": len(made)})

    def do_reindex(self, options: dict[str, Any]) -> None:
        count = 0
        with transaction.atomic():
            for article in Article.objects.order_by("pk").iterator(chunk_size=1000):
                article.title_tokens = tokens(article.title)
                article.question_tokens = tokens(article.question)
                article.body_tokens = tokens(article.body)
                article.save(update_fields=["title_tokens", "question_tokens", "body_tokens"])
                count += 1
            words = recount_terms()
        self.stdout.write(_("已重建 %(n)d 条知识的索引（%(words)d 个词）") % {"n": count, "words": words})
