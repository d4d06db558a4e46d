"""The reports the worker makes on schedule and keeps as files, and the page where leaders find them.

GET /reports/kept/?kind=weekly&scope=district-12   the kept reports, the newest period first; by
                                                   kind and by scope (全市, a district, a department)
GET /reports/kept/<id>/<format>                    one of its files: xlsx or pdf (downloaded), html
                                                   (shown)
POST /reports/kept/<id>/remake  reason=…           made again from the figures as they are now
                                                   (supervisors, admins), logged; the old files stay

A unit head (单位负责人) sees their own unit's kept reports only (`web.overview.unit_scope`).

The schedule (`make_due`, enqueued by `hotline worker` every HOTLINE_REPORTS_INTERVAL seconds): the
last whole period of each kind is reported once its successor has begun and it is
HOTLINE_REPORTS_HOUR o'clock (7) or later in the city: the daily leader list of yesterday every
morning, last week's report on Monday, last month's on the 1st, last quarter's on the first day of
the next. By then the worker has recounted the figures of the night (every ten minutes) and found
the hot spots of the periods (once a day, after midnight). A worker that was not running catches up
with the last period of each kind when it starts (not with older ones: `hotline report` writes any).

Each report is rendered as the reports page renders it (`web.reports`), in the site's language, to
HOTLINE_HOME/reports/<kind>/<first day>/<scope>.<format>, then listed (`KeptReport`); a report of a
kind, period and scope is made once (the row is unique; a file is written whole to a temporary name
first). A run holds a lease on `ReportsState` (a run that outlives `LEASE` is taken over), so two
workers do not make the same reports at once. When a period's reports are made, the leaders are told
(one in-app notification per kind and period, `NotificationReason.REPORT`).
"""

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline.accounts.models import User
from hotline.accounts.permissions import ACTION_ROLES, require_role
from hotline.analytics import scopes
from hotline.analytics.periods import Period
from hotline.analytics.reports import before, period_of
from hotline.core import clock
from hotline.core.enums import NotificationReason, ReportKind, ReportScope, Role
from hotline.core.errors import HotlineError, InvalidInput
from hotline.notifications.actions import do_notify
from hotline.supervision import wording as supervision_wording
from hotline.web.actions import back_to, refusal_page
from hotline.web.dispatch import paginate
from hotline.web.models import KeptReport, KeptReportRemake, ReportsState
from hotline.web.overview import not_found, unit_scope
from hotline.web.reports import FORMATS, days_span, render_file
from hotline.web.wording import shown

logger = logging.getLogger("hotline.web.kept_reports")

DEFAULT_HOUR = 7
# A run that has held the lease this long is taken to have died.
LEASE = timedelta(hours=2)


def reports_dir() -> Path:
    return Path(settings.HOTLINE_HOME) / "reports"


def due(now: datetime) -> list[tuple[str, Period]]:
    """The last whole period of each kind, once its successor has begun and the hour has come."""
    local = clock.localtime(now)
    hour = int(getattr(settings, "HOTLINE_REPORTS_HOUR", DEFAULT_HOUR))
    found = []
    for kind in ReportKind.values:
        current = period_of(kind, local.date())
        if local.date() == current.first_day and local.hour < hour:
            continue
        found.append((kind, before(kind, current)))
    return found


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _render_files(
    kind: str, period: Period, scope: scopes.Scope, shared: scopes.Shared | None, stem: str
) -> dict[str, dict[str, Any]]:
    """Render the report in every format, in the site's language, and write its files named
    `stem`; what `KeptReport.files` keeps of them."""
    with translation.override(settings.LANGUAGE_CODE):
        report = scopes.build(kind, period.first_day, scope, shared)
        folder = Path(kind) / f"{period.first_day:%Y%m%d}"
        files: dict[str, dict[str, Any]] = {}
        for fmt in FORMATS:
            data = render_file(report, fmt)
            relative = folder / f"{stem}.{fmt}"
            _write(reports_dir() / relative, data)
            files[fmt] = {"path": str(relative), "bytes": len(data)}
    return files


def keep(
    kind: str, period: Period, scope: scopes.Scope, shared: scopes.Shared | None = None
) -> KeptReport | None:
    """Render the report of `kind` for `period` about `scope` in every format, write its files and
    list it; None when it was listed already (by another worker meanwhile)."""
    files = _render_files(kind, period, scope, shared, scope.slug)
    with translation.override(settings.LANGUAGE_CODE):
        name = scope.name or str(ReportScope.CITY.label)
    try:
        with transaction.atomic():
            return KeptReport.objects.create(
                kind=kind,
                first_day=period.first_day,
                last_day=period.last_day,
                scope=scope.type,
                scope_key=scope.key,
                scope_name=name[:100],
                generated_at=clock.now(),
                files=files,
            )
    except IntegrityError:
        return None


def make_period(kind: str, period: Period) -> dict[str, int]:
    """The missing reports of one period, every scope; then tell the leaders, once."""
    wanted = scopes.scopes_for(kind)
    have = set(
        KeptReport.objects.filter(kind=kind, first_day=period.first_day).values_list("scope", "scope_key")
    )
    missing = [s for s in wanted if (s.type, s.key) not in have]
    made = failed = 0
    shared = None
    for scope in missing:
        try:
            if shared is None and scope.type != ReportScope.CITY:
                shared = scopes.gather(kind, period.first_day)
            made += keep(kind, period, scope, shared) is not None
        except Exception:  # one scope's failure must not keep the others from being made
            logger.exception("report %s %s %s failed", kind, period.first_day, scope.slug)
            failed += 1
    if missing and not failed:
        _tell_leaders(kind, period, len(wanted))
    return {"made": made, "failed": failed}


def remake(row: KeptReport, actor: User, reason: str) -> KeptReport:
    """Make a kept report again from the figures as they are now (重新生成): new files beside the
    old ones, which stay, and the row listing the new; logged (`KeptReportRemake`: who, when, why,
    the version replaced). For a report made from figures later found incomplete or changed: a
    kept report is what was published, and changes only this way."""
    require_role(actor, "remake_report")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请填写重新生成的原因"))
    now = clock.now()
    scope = scopes.Scope(row.scope, row.scope_key, "" if row.scope == ReportScope.CITY else row.scope_name)
    period = Period.days(row.first_day, row.last_day)
    files = _render_files(row.kind, period, scope, None, f"{scope.slug}.{clock.localtime(now):%Y%m%d%H%M%S}")
    with transaction.atomic():
        row = KeptReport.objects.select_for_update().get(pk=row.pk)
        KeptReportRemake.objects.create(
            report=row,
            at=now,
            by=actor,
            reason=reason[:200],
            generated_before=row.generated_at,
            files_before=row.files,
        )
        row.files, row.generated_at = files, now
        row.save(update_fields=["files", "generated_at"])
    logger.info(
        "report %s %s %s remade by %s: %s", row.kind, row.first_day, scope.slug, actor.username, reason
    )
    return row


def _tell_leaders(kind: str, period: Period, count: int) -> None:
    city = KeptReport.objects.filter(kind=kind, first_day=period.first_day, scope=ReportScope.CITY).first()
    if city is None:
        return
    # Stored in the city's words, said in the reader's on the 消息 page (`supervision.wording`): the
    # city's report by its kind and days, which a reader's language says as it names reports.
    message = supervision_wording.stored(
        "city_reports_made", report=kind, span=days_span(city.first_day, city.last_day), count=count
    )
    do_notify(
        key=f"report:{kind}:{period.first_day:%Y%m%d}",
        reason=NotificationReason.REPORT,
        message=message,
        role=Role.LEADER,
    )


def scope_name(scope: str, name: str) -> str:
    """A kept report's scope as the reader names it: the city in the reader's language (its row
    keeps the name in the worker's), a district or department by its own name."""
    return str(ReportScope.CITY.label) if scope == ReportScope.CITY else name


def title_of(row: KeptReport) -> str:
    """The kept report's title, as its files carry it."""
    return _("%(name)s%(kind)s（%(span)s）") % {
        "name": scope_name(row.scope, row.scope_name),
        "kind": ReportKind(row.kind).label,
        "span": days_span(row.first_day, row.last_day),
    }


def _claim(now: datetime) -> bool:
    ReportsState.objects.get_or_create(pk=1)
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - LEASE)
    return bool(ReportsState.objects.filter(free, pk=1).update(running_since=now))


def make_due(now: datetime | None = None) -> dict[str, Any]:
    """Make whatever is due and missing (see the module's docstring); returns what it did, which
    is also kept on the state row. Nothing when another worker holds the lease."""
    now = now or clock.now()
    if not _claim(now):
        return {"skipped": "running"}
    started = clock.now()
    result: dict[str, Any] = {}
    try:
        for kind, period in due(now):
            done = make_period(kind, period)
            if done["made"] or done["failed"]:
                result[f"{kind} {period.first_day:%Y-%m-%d}"] = done
    finally:
        result["seconds"] = round((clock.now() - started).total_seconds(), 3)
        ReportsState.objects.filter(pk=1).update(running_since=None, last_report=result)
    return result


# --- the page ---------------------------------------------------------------------------------------


@login_required
@require_GET
def kept_reports(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    rows = _visible(unit)
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    scope = request.GET.get("scope", "")
    choices = _scope_choices(rows)
    if scope in dict(choices):
        scope_type, _sep, key = scope.partition("-")
        rows = rows.filter(scope=scope_type, scope_key=int(key or 0))
    else:
        scope = ""
    page = paginate(request, rows)
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "web/kept_reports.html",
        {
            **page,
            "entries": [
                (row, title_of(row), scope_name(row.scope, row.scope_name), _files(row))
                for row in page["rows"]
            ],
            "remakes": _remakes(page["rows"]),
            "can_remake": user.role in ACTION_ROLES["remake_report"],
            "kinds": ReportKind.choices,
            "kind": kind,
            "scopes": choices,
            "scope": scope,
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _visible(unit: scopes.Scope | None) -> QuerySet[KeptReport]:
    """The kept reports the reader may open: every one, or a unit head's own unit's."""
    rows = KeptReport.objects.all()
    return rows if unit is None else rows.filter(scope=unit.type, scope_key=unit.key)


def _scope_choices(reports: QuerySet[KeptReport]) -> list[tuple[str, str]]:
    """The scopes that have kept reports among `reports`, the city first. One query."""
    found = reports.order_by("scope", "scope_name").values_list("scope", "scope_key", "scope_name").distinct()
    order = {value: i for i, value in enumerate(ReportScope.values)}
    rows = sorted(found, key=lambda r: (order.get(r[0], 9), r[2]))
    return [(scopes.Scope(kind, key).slug, scope_name(kind, name)) for kind, key, name in rows]


def _remakes(rows: list[KeptReport]) -> dict[int, KeptReportRemake]:
    """The latest remaking of each of the rows that were made again. One query."""
    found: dict[int, KeptReportRemake] = {}
    for remade in KeptReportRemake.objects.filter(report__in=rows).select_related("by"):
        found.setdefault(remade.report_id, remade)
    return found


@login_required
@require_POST
def remake_report(request: HttpRequest, report_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Back to the list as it was read (its filters and page: a remade row keeps its place in it),
    # at the row.
    back = back_to(request, reverse("kept_reports")).split("#", 1)[0]
    row = KeptReport.objects.filter(pk=report_id).first()
    if row is None:
        return not_found(request, _("没有这份报告"))
    try:
        row = remake(row, user, request.POST.get("reason", ""))
    except HotlineError as error:
        return refusal_page(request, shown(error), error.status_code, back)
    messages.success(request, _("已重新生成：%(title)s") % {"title": title_of(row)})
    return HttpResponseRedirect(f"{back}#kept-{row.pk}")


def _files(row: KeptReport) -> list[tuple[str, int]]:
    """The formats the report was kept in, with their sizes in KB."""
    return [(fmt, max(1, round(row.files[fmt]["bytes"] / 1024))) for fmt in FORMATS if fmt in row.files]


@login_required
@require_GET
def kept_report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    unit, refused = unit_scope(request, user)
    if refused is not None:
        return refused
    # Another unit's report is not there for a unit head: the same page as a report that never was.
    row = _visible(unit).filter(pk=report_id).first()
    if row is None or fmt not in FORMATS or fmt not in row.files:
        return not_found(request, _("没有这份报告"))
    root = reports_dir().resolve()
    path = (root / row.files[fmt]["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return not_found(request, _("报告文件已不存在"))
    name = f"report-{row.kind}-{row.first_day:%Y%m%d}-{scopes.Scope(row.scope, row.scope_key).slug}.{fmt}"
    return FileResponse(
        path.open("rb"), as_attachment=fmt != "html", filename=name, content_type=FORMATS[fmt]
    )
