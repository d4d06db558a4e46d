"""`hotline dedup similar|scan|score|index`: duplicate search from the command line.

    hotline dedup similar "text" [--address A] [--top 5]
    hotline dedup scan --since 2026-01-01 [--until 2026-02-01] [--format text|csv]
    hotline dedup score --pairs FILE.csv
    hotline dedup index [--rebuild]

`similar` lists the tickets most like a text, with score and reason (nothing found is said on
stderr); an `--address` the gazetteer does not know is refused. `scan` groups the tickets created
in a period (days in the city's zone, within 2000-01-01..2100-12-31, `--until` excluded) into
clusters of duplicates; csv columns `cluster_id,ticket_number,external_id,title`. Both list titles
as the ticket list does, every number in them masked (`tickets.presenter.listed_titles`). `score`
reads pairs (`pair_id,title_a,detail_a,title_b,detail_b`; UTF-8 or GB18030, as `hotline import`
reads a CSV) and prints `pair_id,score,same`: the texts' similarity moved by the places they name,
and whether it reaches the configured threshold (no area, category or time is known for such
pairs). `index` embeds every ticket that has no vector yet (the worker embeds new ones by itself)
and saves the index; with `--rebuild` the index is built anew from the stored vectors.

A bad file (missing, unreadable, wrong header, a bad row) stops with a message naming the line.
"""

import csv
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hotline.core import timerange
from hotline.core.csvfiles import line_error, output_format, read_records
from hotline.core.spreadsheets import csv_field
from hotline.dedup import index as vector_index
from hotline.dedup.embedders import configured_embedder, ticket_text
from hotline.dedup.indexing import embed_missing
from hotline.dedup.schemas import MAX_TOP
from hotline.dedup.scoring import score_pair, threshold
from hotline.dedup.search import scan, similar, text_facts
from hotline.intake.models import Appeal
from hotline.routing.place import locate
from hotline.tickets import presenter

PAIR_COLUMNS = ("pair_id", "title_a", "detail_a", "title_b", "detail_b")
# Pairs embedded per call of the embedder.
PAIR_BATCH = 64


class Command(BaseCommand):
    help = "Duplicate search: similar tickets, clusters of a period, scores of pairs, the index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{similar,scan,score,index}")
        found = sub.add_parser("similar", help="the tickets most like a text")
        found.add_argument("text")
        found.add_argument("--address", default="", help="where the problem is (raises tickets nearby)")
        # Read as text and checked by the command, in its own words as `hotline hotspots` does
        # (argparse refuses in English).
        found.add_argument("--top", default="5", help=f"how many (1-{MAX_TOP}, default 5)")

        clusters = sub.add_parser("scan", help="group the tickets of a period into duplicate clusters")
        clusters.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        clusters.add_argument("--until", default=None, help="day after the last, YYYY-MM-DD (default: now)")
        clusters.add_argument("--format", default="text", help="text (default) or csv")

        pairs = sub.add_parser("score", help="score pairs of texts from a CSV file")
        pairs.add_argument("--pairs", type=Path, required=True, help="CSV: " + ",".join(PAIR_COLUMNS))

        build = sub.add_parser("index", help="embed every ticket without a vector and save the index")
        build.add_argument("--rebuild", action="store_true", help="build the index anew from the vectors")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['subcommand']}")(options)

    def do_similar(self, options: dict[str, Any]) -> None:
        text = options["text"].strip()
        if not text:
            raise CommandError(_("文本不能为空"))
        top = _whole_number(options["top"])
        if top is None or not 1 <= top <= MAX_TOP:
            raise CommandError(_("--top 须在 1 到 %(max)d 之间") % {"max": MAX_TOP})
        address = options["address"].strip()
        # Asked for the tickets near a place, a place the gazetteer does not know is said so, not
        # answered as if no address had been given (nor by the text's place names: not what was asked).
        place = locate(address) if address else locate("", [text])
        if address and place.area is None:
            raise CommandError(f"--address {address}: {place.note}")
        area = place.area
        matches = similar(text, area=area, top=top)
        if not matches:
            # On stderr, stdout staying empty for a script: right after an import the worker has
            # embedded nothing yet, and a silent empty answer looked like a broken command.
            self.stderr.write(
                _("没有找到相似的工单（已索引 %(count)d 件工单；未索引的工单可运行 hotline dedup index）")
                % {"count": len(vector_index.shared_index().index)}
            )
            return
        titles = presenter.listed_titles(m.ticket for m in matches)
        for match in matches:
            ticket = match.ticket
            mark = "*" if match.duplicate else " "
            self.stdout.write(
                f"{mark} {ticket.number}\t{match.score.score:.2f}\t{ticket.get_status_display()}\t"
                f"{titles[ticket.pk]}\t{match.score.reason}"
            )

    def do_scan(self, options: dict[str, Any]) -> None:
        output_format(options["format"])
        since = _day_start(options["since"], "--since")
        until = _day_start(options["until"], "--until") if options["until"] else None
        if until is not None and until <= since:
            raise CommandError(_("--until 须晚于 --since"))
        clusters = scan(since, until)
        external = _external_ids([t.pk for group in clusters for t in group])
        titles = presenter.listed_titles(t for group in clusters for t in group)
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["cluster_id", "ticket_number", "external_id", "title"])
            for number, group in enumerate(clusters, start=1):
                for ticket in group:
                    external_id = csv_field(external.get(ticket.pk, ""))
                    writer.writerow([number, ticket.number, external_id, csv_field(titles[ticket.pk])])
            return
        for number, group in enumerate(clusters, start=1):
            self.stdout.write(_("第 %(n)d 组（%(count)d 件）") % {"n": number, "count": len(group)})
            for ticket in group:
                self.stdout.write(f"  {ticket.number}\t{external.get(ticket.pk, '')}\t{titles[ticket.pk]}")
        self.stdout.write(_("共 %(count)d 组重复诉求") % {"count": len(clusters)})

    def do_score(self, options: dict[str, Any]) -> None:
        pairs = read_pairs(options["pairs"])
        embedder = configured_embedder()
        cut = threshold(embedder.kind)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["pair_id", "score", "same"])
        for start in range(0, len(pairs), PAIR_BATCH):
            chunk = pairs[start : start + PAIR_BATCH]
            texts = [ticket_text(p[1], p[2]) for p in chunk] + [ticket_text(p[3], p[4]) for p in chunk]
            vectors = embedder.embed(texts)
            for i, pair in enumerate(chunk):
                # The text and the places and businesses it names; no area, point, category or time is known.
                score = score_pair(
                    float(vectors[i] @ vectors[len(chunk) + i]),
                    text_facts(texts[i]),
                    text_facts(texts[len(chunk) + i]),
                ).score
                writer.writerow([csv_field(pair[0]), f"{score:.4f}", int(score >= cut)])

    def do_index(self, options: dict[str, Any]) -> None:
        def progress(done: int) -> None:
            if sys.stderr.isatty():
                self.stderr.write(f"\r{done}", ending="")

        embedded = embed_missing(progress=progress)
        shared = vector_index.rebuild() if options["rebuild"] else vector_index.shared_index()
        shared.refresh()
        shared.save()
        self.stdout.write(
            _("已生成 %(embedded)d 个向量；索引共 %(count)d 个（%(model)s）")
            % {"embedded": embedded, "count": len(shared.index), "model": shared.model}
        )


def _whole_number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _day_start(text: str, option: str) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s %(value)s: 日期格式应为 YYYY-MM-DD") % {"option": option, "value": text}
        ) from None
    # Checked before the day becomes a moment in the zone: near year 1 or 9999 that overflows.
    if not timerange.day_in_range(day):
        raise CommandError(f"{option}: {timerange.range_message()}")
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _external_ids(ticket_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for ticket_id, external_id in (
        Appeal.objects.filter(ticket__in=ticket_ids, external_id__isnull=False)
        .order_by("received_at", "pk")
        .values_list("ticket_id", "external_id")
    ):
        found.setdefault(ticket_id, external_id or "")
    return found


def read_pairs(path: Path) -> list[tuple[str, str, str, str, str]]:
    """The rows of a pair file; a CommandError naming the file and line for anything wrong in it."""
    pairs = []
    for record in read_records(path, PAIR_COLUMNS):
        pair_id, title_a, detail_a, title_b, detail_b = record.cells
        if not (title_a or detail_a) or not (title_b or detail_b):
            raise line_error(path, record.line, _("两条诉求都须有标题或内容"))
        pairs.append((pair_id, title_a, detail_a, title_b, detail_b))
    return pairs
