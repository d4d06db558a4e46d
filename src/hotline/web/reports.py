"""The reports (日报, 周报, 月报, 季报) as a page and as files, for leaders, supervisors and admins.

GET /reports/?kind=monthly&date=2026-11-20              the report of the period holding that day
GET /reports/download?kind=monthly&date=…&format=xlsx   the same as a file: xlsx, pdf or html
GET /reports/?kind=custom&first=2026-11-03&last=2026-11-20
                                                        the report of the days chosen (自选期间报告),
                                                        against as many days before; `download`
                                                        makes its files alike

Without a date, the last whole period of the kind (yesterday's daily report, last month's monthly:
`analytics.reports.reported_day`), not the running one: read in the morning, today's has hardly
begun. A period asked for while it runs is counted up to now, named so (截至 …) and compared with
the same part of the period before (`analytics.reports.window`).

A kind or a date the page cannot read shows the last whole period with a word on what was not
understood; a file asked for that way is refused (400), as is a format not offered. Days chosen
that cannot be reported (not read, reversed, ending after today, longer than
`analytics.reports.LONGEST_CUSTOM`) are refused (400) with what is wrong and the form to ask
again, on the page as for a file: no other period's report passes for theirs.

`hotline report KIND --date D --format F` (and `hotline report --first D --last D`, the chosen
days, read and refused as the page reads them: `read_chosen_days`) writes the same files from the
command line. What a report holds is `analytics.reports`'; this module lays it out.
"""

import html
import io
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment

from hotline.accounts.models import User
from hotline.analytics import scopes
from hotline.analytics.facts import FOUR_RATES
from hotline.analytics.models import FigureSettings
from hotline.analytics.outlooks import TOP as TOP_FORECAST
from hotline.analytics.periods import Period
from hotline.analytics.rankings import Ranked, RankingPeriod, find_offered
from hotline.analytics.reports import (
    CUSTOM,
    LONGEST_CUSTOM,
    Report,
    as_rows,
    build,
    build_custom,
    custom_range_problem,
    custom_window,
    reported_day,
    weak_shown,
)
from hotline.analytics.typical_cases import CaseLine
from hotline.core import clock
from hotline.core.enums import FigureDimension, RankingSpan, ReportKind
from hotline.core.spreadsheets import append_row
from hotline.web.crowds import crowd_word
from hotline.web.overview import DISTRICT, RATE_TEXT, drill_slice, unit_scope
from hotline.web.params import read_day
from hotline.web.templatetags.hotline_web import clauses, listed, sentence

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
# A Chinese font for the PDF: the one the Makefile installs for the screenshots, embedded; without
# it, the standard CID font that PDF readers carry for Simplified Chinese (not embedded).
CJK_FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _before_label(report: Report | None) -> str:
    """What the figures are compared with: the period before, or (while this one runs) its same
    part, which the reader must not take for the whole of it."""
    return _("上期同期") if report is not None and report.running else _("上期")


def _headings(report: Report | None = None) -> dict[str, list[str]]:
    rate_names = [str(RATE_TEXT[key][0]) for key in FOUR_RATES]
    # A district's report ranks the districts; the others rank the departments.
    ranked = _("区县") if report is not None and report.ranked == FigureDimension.AREA else _("主办单位")
    then = _before_label(report)
    return {
        "rates": [_("指标"), _("本期"), then, _("分子"), _("分母")],
        "departments": [
            _("名次"),
            ranked,
            _("受理量"),
            *rate_names,
            _("综合得分"),
            _("较上期"),
            *([_("答复质量存疑率")] if report is None or weak_shown(report) else []),
        ],
        "categories": [_("分类"), _("本期"), then, _("增减")],
        "areas": [_("属地"), _("本期"), then, _("增减")],
        "items": [_("分类"), _("属地"), _("诉求数"), _("工单数"), _("紧急"), _("重复")],
        "hotspots": [
            _("排名"),
            _("热度"),
            _("地点"),
            _("问题描述"),
            _("人群"),
            _("诉求人数"),
            _("诉求数"),
            _("最早"),
            _("最近"),
        ],
        "forecast": [
            _("维度"),
            _("对象"),
            _("未来 7 天"),
            _("下限"),
            _("上限"),
            _("未来 28 天"),
            _("下限"),
            _("上限"),
        ],
        "weak_replies": [_("单位"), _("答复数"), _("存疑"), _("答复质量存疑率")],
        "cases": [
            _("案例标题"),
            _("工单编号"),
            _("分类"),
            _("属地"),
            _("主办单位"),
            _("标记时间"),
            _("经验做法"),
            _("办理经过"),
        ],
    }


def _sheet_titles() -> dict[str, str]:
    return {
        "rates": _("四率"),
        "departments": _("单位排名"),
        "categories": _("分类"),
        "areas": _("属地"),
        "items": _("重点事项"),
        "hotspots": _("热点"),
        "forecast": _("受理量预测"),
        "cases": _("典型案例"),
        "weak_replies": _("答复质量存疑率"),
    }


def _moment(moment: datetime, day: date | None = None) -> str:
    """A local moment; its time only when it falls on `day` (the daily report's own day)."""
    local = clock.localtime(moment)
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def _span(period: Period) -> str:
    """A span that may start or end within a day, for the part of a period compared with: 2025-11-01
    00:00 — 2025-11-05 06:00, or 2025-12-04 00:00 — 06:00 within one day."""
    start = clock.localtime(period.start)
    return f"{_moment(period.start)} — {_moment(period.end, start.date())}"


def unit_title(city: str, unit: str) -> str:
    """A unit's name after its city's, as people write it: 示范市 and 东湖区 make 示范市东湖区, 市住建局
    makes 示范市住建局 (not 示范市市住建局), and a unit named after the city keeps its own name."""
    if unit.startswith(city):
        return unit
    if city.endswith("市") and unit.startswith("市"):
        return city + unit[1:]
    return city + unit


def days_span(first: date, last: date) -> str:
    """A report's days as its title says them (also the kept reports' and their notice's)."""
    return f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} — {last:%Y-%m-%d}"


def title(report: Report) -> str:
    first, last = report.period.first_day, report.period.last_day
    span = days_span(first, last)
    if report.until is not None:
        # A running period's report says in its name where its figures stop, on the page and in
        # every file made of it: read or passed on later, it must not pass for the whole period.
        span = _("%(span)s，截至 %(until)s") % {
            "span": span,
            "until": _moment(report.until, first if first == last else None),
        }
    if report.scope_name:
        return _("%(unit)s 12345 热线%(kind)s（%(span)s）") % {
            "unit": unit_title(settings.HOTLINE["CITY_NAME"], report.scope_name),
            "kind": report.label,
            "span": span,
        }
    return _("%(city)s 12345 热线%(kind)s（%(span)s）") % {
        "city": settings.HOTLINE["CITY_NAME"],
        "kind": report.label,
        "span": span,
    }


def running_note(report: Report) -> str:
    """For a period still running, what its figures are and what they are compared with; ""
    once it is over."""
    if report.until is None:
        return ""
    if report.until < report.period.start:
        return _("本期尚未开始，暂无数据。")
    return _(
        "本期尚未结束：数据截至 %(until)s，与上期同一时段（%(before)s）比较，而非上期全期；"
        "办理中的工单尚无结果，四率仍会变化。"
    ) % {"until": _moment(report.until), "before": _span(report.previous)}


def compared_note(report: Report) -> str:
    """What a report of chosen days is compared with (its 上期: as many days just before them); ""
    for the kinds kept, whose period before is the reader's own calendar's. A running period's
    comparison is said by `running_note`."""
    if not report.custom or report.running:
        return ""
    return _("上期指本期之前同样长的 %(days)s 天（%(first)s 至 %(last)s）。") % {
        "days": len(report.period.local_days()),
        "first": f"{report.previous.first_day:%Y-%m-%d}",
        "last": f"{report.previous.last_day:%Y-%m-%d}",
    }


def no_hotspots_note() -> str:
    """Why a report of chosen days has no hot spots (the worker finds them per kept period)."""
    return _("自选期间不计算热点：热点见日报、周报、月报、季报和领导驾驶舱（近30日）。")


def standing(report: Report) -> str:
    """Where a district's or department's report puts it among its peers; "" for the city's."""
    mine = report.standing
    if mine is None:
        return ""
    if not mine.has_data:
        return _("本期四率均无可计的工单，无综合得分，不参与排名。")
    shown = _score_text(mine)
    if mine.rank is None:
        return _(
            "综合得分 %(score)s；本期受理 %(received)s 件，不足 %(least)s 件（样本不足），不参与排名。"
        ) % {
            "score": shown,
            "received": mine.counts.received,
            "least": max(FigureSettings.current().min_received, 1),
        }
    ranked = sum(1 for r in report.departments if r.rank is not None)
    return _("综合得分 %(score)s，在 %(count)s 个参与排名的单位中排第 %(rank)s 名（上期：%(before)s）。") % {
        "score": shown,
        "count": ranked,
        "rank": mine.rank,
        "before": "—" if mine.previous_rank is None else mine.previous_rank,
    }


def _score_text(row: Ranked) -> str:
    """A score as a sentence gives it: a partial one says of how many of the four rates."""
    if not row.partial:
        return str(row.score)
    return _("%(score)s（按有数据的 %(count)s 项指标计算）") % {
        "score": row.score,
        "count": len(row.counted_rates),
    }


def forecast_note(report: Report) -> str:
    """What the forecast lines of a district's or department's report are (`analytics.scopes`);
    "" for the city's, which shows every line of the set."""
    if not report.scope_name or report.forecast is None:
        return ""
    own = len(report.forecasts) > 1
    if report.ranked == FigureDimension.AREA:
        which = _("全市之后为本区县列入预测的属地。") if own else _("本区县的属地不在预测之列，仅列全市。")
    elif own:
        which = _(
            "全市之后为本单位本期主办工单的分类中列入预测的；分类的预测为全市该分类的受理量，不只本单位主办的。"
        )
    else:
        which = _("本单位本期主办工单的分类不在预测之列，仅列全市。")
    covered = _("预测只覆盖全市近四周受理量最多的 %(top)s 个分类和 %(top)s 个属地。") % {"top": TOP_FORECAST}
    return sentence(which) + covered


def _forecast_made(report: Report) -> str:
    """When the report's forecast was made and its first day, for the .xlsx and the PDF."""
    if report.forecast is None:
        return _("历史数据不足四周，或后台任务尚未生成今日预测。")
    return _(
        "自 %(day)s 起；按历史受理量、星期和节假日（工作日历）预测，下限、上限为 80%% 区间；预测于 %(at)s。"
    ) % {
        "day": f"{report.forecast.starts_on:%Y-%m-%d}",
        "at": f"{clock.localtime(report.forecast.made_at):%Y-%m-%d %H:%M}",
    }


def _rows(report: Report) -> dict[str, list[list[Any]]]:
    rows = as_rows(report)
    for row in rows["rates"]:
        row[0] = str(RATE_TEXT[row[0]][0]) if row[0] in RATE_TEXT else row[0]
    no_data, too_few = _("无数据"), _("样本不足")
    for row, ranked in zip(rows["departments"], report.departments, strict=True):
        # A unit with no rate to count has no score, which is not a score of 0: the sheet says 无数据
        # where the rank would be and "—" in each figure, rather than blank cells that a sum, a
        # sort or a chart takes for zeros. One with a score and too few tickets says 样本不足.
        if not ranked.has_data:
            row[0] = no_data
        elif ranked.too_few:
            row[0] = too_few
        row[:] = ["—" if value is None else value for value in row]
    for row in rows["hotspots"]:
        row[4] = crowd_word(row[4])  # the crowd (人群), kept in Chinese, in the reader's language
    for row, share in zip(rows.get("weak_replies", []), report.weak_replies or [], strict=True):
        if share.total:
            row[0] = _("%(name)s（含下属单位）合计") % {"name": share.name}
        row[:] = ["—" if value is None else value for value in row]
    return rows


def render_xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("概况")
    append_row(summary, [title(report)])
    append_row(
        summary, [_("受理量"), report.city.received, _before_label(report), report.city_before.received]
    )
    append_row(summary, [_("较上期（%）"), report.volume_change])
    for note in (running_note(report), compared_note(report)):
        if note:
            append_row(summary, [note])
    if text := standing(report):
        append_row(summary, [text])
    headings, titles = _headings(report), _sheet_titles()
    for key, rows in _rows(report).items():
        sheet = book.create_sheet(titles[key])
        append_row(sheet, headings[key])
        for row in rows:
            append_row(sheet, row)
    if report.custom:
        # Nothing kept for chosen days: the sheet says so rather than passing for a period without.
        append_row(book[titles["hotspots"]], [no_hotspots_note()])
    # Below the forecast's lines: when it was made and, in a district's or department's report,
    # which lines it shows.
    sheet = book[titles["forecast"]]
    append_row(sheet, [])
    for text in (_forecast_made(report), forecast_note(report)):
        if text:
            append_row(sheet, [text])
    if report.cases is not None:
        # The story and the lesson are paragraphs: wide, wrapped columns.
        sheet = book[titles["cases"]]
        for column, width in (("A", 30), ("G", 50), ("H", 80)):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if "HotlineCJK" in pdfmetrics.getRegisteredFontNames():
        return "HotlineCJK"
    try:
        pdfmetrics.registerFont(TTFont("HotlineCJK", CJK_FONT_FILE, subfontIndex=0))
        return "HotlineCJK"
    except Exception:  # no such file, or not a font reportlab reads: the reader's own font
        if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"


def render_pdf(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title(report)).build(pdf_flowables(report))
    return buffer.getvalue()


def pdf_flowables(report: Report) -> list[Any]:
    """What the PDF holds, in order: paragraphs and tables (reportlab's flowables)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = _pdf_font()
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Normal"):
        styles[name].fontName = font
    story: list[Any] = [Paragraph(title(report), styles["Title"])]
    change = "—" if report.volume_change is None else f"{report.volume_change:+.1f}%"
    volume = {"now": report.city.received, "then": report.city_before.received, "change": change}
    if report.running:
        text = _("受理量 %(now)s 件，上期同期 %(then)s 件，变化 %(change)s。") % volume
    else:
        text = _("受理量 %(now)s 件，上期 %(then)s 件，变化 %(change)s。") % volume
    story.append(Paragraph(text, styles["Normal"]))
    for note in (running_note(report), compared_note(report)):
        if note:
            story.append(Paragraph(_pdf_text(note), styles["Normal"]))
    if text := standing(report):
        story.append(Paragraph(text, styles["Normal"]))
    headings, titles = _headings(report), _sheet_titles()
    for key, rows in _rows(report).items():
        if key == "cases" or not (rows or key == "forecast"):
            continue
        story += [Spacer(1, 8), Paragraph(titles[key], styles["Heading2"])]
        if key == "forecast":
            # Which lines, when made (or why there are none).
            notes = (forecast_note(report), _forecast_made(report))
            story += [Paragraph(_pdf_text(text), styles["Normal"]) for text in notes if text]
            if not rows:
                continue
        cells = [headings[key], *[["—" if v is None else str(v) for v in row] for row in rows]]
        table = Table(cells, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story.append(table)
    if report.cases is not None:
        story += [Spacer(1, 8), Paragraph(titles["cases"], styles["Heading2"])]
        story += _pdf_cases(report, styles)
    return story


def _pdf_text(text: str) -> str:
    """Plain text as a reportlab paragraph, which reads its text as markup: escaped, lines kept."""
    return html.escape(text).replace("\n", "<br/>")


def _pdf_cases(report: Report, styles: Any) -> list[Any]:
    """Each typical case as a paragraph of its own: its title, where and who, the story, the lesson
    (too long for a table's cells)."""
    from reportlab.platypus import Paragraph, Spacer

    if not report.cases:
        return [Paragraph(_("本期暂无标记的典型案例"), styles["Normal"])]
    found: list[Any] = []
    for number, case in enumerate(report.cases, 1):
        found.append(Paragraph(f"<b>{number}. {_pdf_text(case.title)}</b>", styles["Normal"]))
        found.append(Paragraph(_pdf_text(_case_facts(case)), styles["Normal"]))
        found.append(Paragraph(_pdf_text(_("办理经过：%(story)s") % {"story": case.story}), styles["Normal"]))
        if case.lesson:
            found.append(
                Paragraph(_pdf_text(_("经验做法：%(lesson)s") % {"lesson": case.lesson}), styles["Normal"])
            )
        found.append(Spacer(1, 6))
    return found


def _case_facts(case: CaseLine) -> str:
    return _("工单 %(number)s · %(category)s · %(area)s · 主办：%(department)s · 标记于 %(day)s") % {
        "number": case.number,
        "category": case.category or "—",
        "area": case.area or "—",
        "department": case.department or "—",
        "day": f"{clock.localtime(case.marked_at):%Y-%m-%d}",
    }


def _context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "title": title(report),
        "headings": _headings(report),
        "standing": standing(report),
        "running_note": running_note(report),
        "compared_note": compared_note(report),
        "no_hotspots_note": no_hotspots_note() if report.custom else "",
        "forecast_note": forecast_note(report),
        "weak_shown": weak_shown(report),
        # The ranking's rows with a score and no rank say why (样本不足: fewer tickets than the least
        # to be ranked); a score over fewer than the four rates is marked and explained.
        "least": max(FigureSettings.current().min_received, 1),
        "partial_scores": any(r.partial for r in report.departments),
        "rate_rows": [(key, str(RATE_TEXT[key][0]), now, then) for key, now, then in report.rates],
        "rate_keys": FOUR_RATES,
    }


def render_html(report: Report) -> str:
    """A whole HTML document (the file to keep or mail); the page uses the same body."""
    return render_to_string("web/report_file.html", _context(report))


def render_file(report: Report, fmt: str) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        return render_pdf(report)
    return render_html(report).encode()


def file_name(report: Report, fmt: str, unit: scopes.Scope | None = None) -> str:
    name = f"report-{report.kind}-{report.period.first_day:%Y%m%d}"
    if report.custom:
        name += f"-{report.period.last_day:%Y%m%d}"
    if unit is not None:
        name += f"-{unit.slug}"
    if report.until is not None:
        # Not the name of the whole period's file, which is made once the period is over.
        name += f"-until-{clock.localtime(report.until):%Y%m%d%H%M}"
    return f"{name}.{fmt}"


def _asked(request: HttpRequest) -> tuple[str, date | None, list[str]]:
    """The kind and day asked for, and what could not be read, one sentence each: a kind not known
    is the monthly report, a date not read or out of range None (the last whole period). No kind
    or no date is no mistake: the month, the last whole one."""
    kind = request.GET.get("kind", "")
    wrong: list[str] = []
    if kind not in ReportKind.values:
        if kind:
            wrong.append(
                _("无法识别报告类型“%(kind)s”（可选：%(kinds)s）")
                % {"kind": kind[:20], "kinds": listed(ReportKind.labels)}
            )
        kind = ReportKind.MONTHLY
    asked = request.GET.get("date", "").strip()
    if not asked:
        return kind, None, wrong
    day, why = read_day(asked)
    if why:
        wrong.append(why)
    return kind, day, wrong


def asked_days(request: HttpRequest) -> tuple[date | None, date | None, str]:
    """The days `first` to `last` asked for a report of chosen days (or the drill-down of its
    figures), and what is wrong with them in one sentence ("" when nothing is): a day missing, or
    what `read_chosen_days` finds."""
    texts = [request.GET.get(name, "").strip() for name in ("first", "last")]
    if not all(texts):
        return (
            None,
            None,
            _("请填写开始日期和结束日期（最长 %(most)s 天，不晚于今天）") % {"most": LONGEST_CUSTOM},
        )
    return read_chosen_days(*texts)


def read_chosen_days(first: str, last: str) -> tuple[date | None, date | None, str]:
    """The days `first` to `last` (as typed: 2026-11-03) of a report of chosen days, and what is
    wrong with them in one sentence, naming the day ("" when nothing is): a day not read or outside
    the dates kept (`web.params.read_day`), a reversed range, one ending after today, or one longer
    than the longest (`analytics.reports.custom_range_problem`). The page, its drill-down and
    `hotline report --first --last` read them here, so that they refuse the same days alike."""
    days = []
    for text in (first, last):
        day, why = read_day(text)
        if day is None:
            return None, None, why
        days.append(day)
    start, end = days
    why = custom_range_problem(start, end, clock.localtime().date())
    return (None, None, why) if why else (start, end, "")


def _build(kind: str, day: date | None, unit: scopes.Scope | None) -> Report:
    """The report asked for: the city's, or a unit head's own unit's (`web.overview.unit_scope`)."""
    reported = reported_day(kind, day)
    return build(kind, reported) if unit is None else scopes.build(kind, reported, unit)


def build_chosen(first: date, last: date, unit: scopes.Scope | None) -> Report:
    """The report of the days chosen (checked by `read_chosen_days`): the city's, or one unit's."""
    if unit is None:
        return build_custom(first, last)
    return scopes.build(CUSTOM, first, unit, span=custom_window(first, last))


def _drill_period(report: Report) -> str:
    """The report's period as the drill-down (`/rankings/tickets/`) reads it; "" when it is not one
    the drill-down lists (a month or quarter past those offered)."""
    first = report.period.first_day
    if report.custom:
        return f"first={first:%Y-%m-%d}&last={report.period.last_day:%Y-%m-%d}"
    if report.kind == ReportKind.DAILY:
        return f"day={first:%Y-%m-%d}"
    if report.kind == ReportKind.WEEKLY:
        # Any week: the drill-down reads its Monday-to-Sunday days as the report does.
        return f"week={first:%Y-%m-%d}"
    span = {ReportKind.MONTHLY: RankingSpan.MONTH, ReportKind.QUARTERLY: RankingSpan.QUARTER}.get(
        ReportKind(report.kind)
    )
    if span is None:
        return ""
    chosen = RankingPeriod.holding(span, first)
    if find_offered(chosen.token, clock.localtime().date()) is None:
        return ""
    return f"period={chosen.token}"


def _drill(report: Report, unit: scopes.Scope | None) -> str:
    """The drill-down's query (`/rankings/tickets/`) of the report's figures, without the rate;
    "" when its period is not one the drill-down lists."""
    when = _drill_period(report)
    if not when:
        return ""
    if unit is None:
        return f"dimension={FigureDimension.CITY}&{when}"
    dimension, key = drill_slice(unit)
    return f"dimension={dimension}&key={key}&{when}"


def _ranking_drills(report: Report, unit: scopes.Scope | None) -> dict[int, str]:
    """The drill-down's query of each ranked unit's volume, by the unit's key, as the rankings page
    links its rows: the departments, or in a district's report the districts (each with the areas
    under it). A unit head may read only their own unit's tickets (the drill-down refuses another
    unit's), so their report links their own row alone; a volume of 0 has no link (to an empty
    list), nor has a period the drill-down does not list."""
    when = _drill_period(report)
    if not when:
        return {}
    dimension = DISTRICT if report.ranked == FigureDimension.AREA else FigureDimension.DEPARTMENT
    own = None if unit is None else drill_slice(unit)
    return {
        row.key: f"dimension={dimension}&key={row.key}&{when}"
        for row in report.departments
        if row.counts.received and own in (None, (dimension, row.key))
    }


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    if request.GET.get("kind") == CUSTOM:
        return _custom_page(request, unit)
    # What was not understood shows the last whole period, said above it: a leader who mistyped a
    # date reads a report and the reason it is not the one asked for, with the form to ask again.
    kind, day, wrong = _asked(request)
    report = _build(kind, day, unit)
    return render(
        request,
        "web/report.html",
        {
            **_page_context(report, unit),
            # The form keeps the date asked for, else none: choosing another kind then shows its
            # last whole period, not the period of this one's day.
            "day": day,
            "download": f"kind={report.kind}&date={(day or report.period.first_day):%Y-%m-%d}",
            "wrong": wrong,
        },
    )


def _custom_page(request: HttpRequest, unit: scopes.Scope | None) -> HttpResponse:
    """The report of the days chosen; days that cannot be reported are refused (400) with why and
    the form filled as it was sent, without a report that is not theirs."""
    first, last, wrong = asked_days(request)
    asked = {"first": request.GET.get("first", "")[:20], "last": request.GET.get("last", "")[:20]}
    if first is None or last is None:
        return render(
            request,
            "web/report.html",
            {**_form_context(unit), "chosen_days": True, "asked": asked, "wrong": [wrong]},
            status=400,
        )
    report = build_chosen(first, last, unit)
    return render(
        request,
        "web/report.html",
        {
            **_page_context(report, unit),
            "day": None,
            "chosen_days": True,
            "asked": {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"},
            "download": f"kind={CUSTOM}&first={first:%Y-%m-%d}&last={last:%Y-%m-%d}",
            "wrong": [],
        },
    )


def _form_context(unit: scopes.Scope | None) -> dict[str, Any]:
    """What the page's two forms offer: the kinds kept, the files, the longest chosen period."""
    return {"kinds": ReportKind.choices, "formats": list(FORMATS), "unit": unit, "longest": LONGEST_CUSTOM}


def _page_context(report: Report, unit: scopes.Scope | None) -> dict[str, Any]:
    return {
        **_context(report),
        **_form_context(unit),
        "drill": _drill(report, unit),
        "ranking_drills": _ranking_drills(report, unit),
        # Each hot spot opens to its tickets (`web.hotspots`, for the roles of the overview: not a
        # unit head's); the files, read away from the site, link nowhere.
        "hotspot_links": unit is None,
        # The unit's weak replies of the period (`web.replies.flagged`, read-only for a head).
        "weak_drill": (
            f"first={report.period.first_day:%Y-%m-%d}&last={report.period.last_day:%Y-%m-%d}&reviewed=all"
        ),
    }


@login_required
@require_GET
def report_download(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    custom = request.GET.get("kind") == CUSTOM
    first = last = day = None
    if custom:
        first, last, why = asked_days(request)
        kind, wrong = CUSTOM, [why] if why else []
    else:
        kind, day, wrong = _asked(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        wrong.append(_("不支持的格式 %(format)s：可选 xlsx、pdf、html") % {"format": fmt[:20]})
    if wrong:
        # A file is kept and passed on under its name: never another period's than the one asked.
        return render(request, "web/forbidden.html", {"message": clauses(wrong)}, status=400)
    if first is not None and last is not None:
        report = build_chosen(first, last, unit)
    else:
        report = _build(kind, day, unit)
    response = HttpResponse(render_file(report, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(report, fmt, unit)}"'
    return response
