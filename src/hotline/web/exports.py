"""Exports of a search (工单导出) to Excel, phone numbers masked as in every list (the caller's, and
those written in a title: `web.search.list_row`).

GET /tickets/export.xlsx?<filters>   up to DIRECT_ROWS matching tickets: the sheet at once; more, up
                                     to EXPORT_LIMIT: an export the worker builds (`build_export`),
                                     and a redirect to its page
GET /tickets/exports/<id>/           the export's progress: a bar with the rows written, polled by
                                     htmx every second (refreshed every two seconds without
                                     JavaScript), then the link to the file
GET /tickets/exports/<id>/file       the file, only to the user who asked for it

The worker runs the search again as that user (what the user may see then), writes the sheet a
thousand rows at a time by keyset (each chunk costs what the first does), and counts the rows on
the export as it goes. Exports are kept for a day (`KEEP`), then deleted with their files.
"""

import io
import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import ExportStatus
from hotline.core.spreadsheets import append_row
from hotline.tickets import presenter, selectors
from hotline.tickets.models import Ticket
from hotline.web.models import Export
from hotline.web.search import (
    COLUMNS,
    SearchForm,
    cursor_of,
    list_row,
    matching,
    rows_after,
    unknown_conditions,
    unknown_message,
)

logger = logging.getLogger("hotline.web.exports")

# Up to this many rows the sheet is written in the request (about a second); more go to the worker.
DIRECT_ROWS = 5_000
# An .xlsx sheet holds 1,048,576 rows; more is refused with a message to narrow the filters.
EXPORT_LIMIT = 1_000_000
CHUNK = 1_000
KEEP = timedelta(days=1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_dir() -> Path:
    return Path(settings.HOTLINE_HOME) / "exports"


def export_path(export: Export) -> Path:
    return export_dir() / f"{export.pk}.xlsx"


def _local(moment: datetime | None) -> str:
    return f"{clock.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def write_sheet(tickets: QuerySet[Ticket], out: IO[bytes] | Path, progress: Callable[[int], None]) -> int:
    """Write the tickets (newest first) as one sheet to `out`, a chunk at a time by keyset, calling
    `progress` with the rows written after each chunk. Returns the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("工单"))
    append_row(sheet, [str(c) for c in COLUMNS])
    written, cursor = 0, ""
    while True:
        chunk = list(
            selectors.with_list_relations(rows_after(tickets, cursor) if cursor else tickets)[:CHUNK]
        )
        for ticket in chunk:
            row = list_row(ticket)
            first = next(iter(ticket.appeals.all()), None)
            append_row(
                sheet,
                [
                    ticket.number,
                    _local(ticket.created_at),
                    ticket.get_status_display(),
                    ticket.get_kind_display(),
                    row["title"],
                    ticket.category.path if ticket.category else "",
                    ticket.area.name if ticket.area else "",
                    row["lead"],
                    _local(row["due_at"]),
                    row["channel"],
                    first.citizen_name if first else "",
                    row["phone"],
                    presenter.listed_address(ticket),
                ],
            )
        written += len(chunk)
        progress(written)
        if len(chunk) < CHUNK:
            break
        cursor = cursor_of(chunk[-1])
    book.save(out)
    return written


def _too_many(request: HttpRequest, total: int) -> HttpResponse:
    message = _("匹配 %(n)s 件，超过一次导出的上限 %(limit)s 件；请缩小查询范围") % {
        "n": total,
        "limit": EXPORT_LIMIT,
    }
    return render(request, "web/forbidden.html", {"message": message}, status=413)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET)
    # A condition the form does not know would be dropped and every ticket exported: refused.
    unknown = unknown_conditions(request.GET)
    if not form.is_valid() or unknown:
        context = {
            "form": form,
            "rows": None,
            "unknown": unknown_message(unknown) if unknown else "",
            "export_refused": True,
        }
        return render(request, "web/search.html", context, status=422)
    tickets = matching(user, form)
    total = tickets.count()
    if total > EXPORT_LIMIT:
        return _too_many(request, total)
    if total > DIRECT_ROWS:
        job = Export.objects.create(
            user=user,
            query=request.GET.urlencode(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            total=total,
            created_at=clock.now(),
        )
        from hotline.web.tasks import build_export  # the task module imports this one

        transaction.on_commit(lambda: build_export.enqueue(str(job.pk)))
        return redirect("export_page", export_id=job.pk)
    buffer = io.BytesIO()
    write_sheet(tickets, buffer, lambda n: None)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name()}"'
    return response


def _file_name(at: datetime | None = None) -> str:
    return f"tickets-{clock.localtime(at):%Y%m%d-%H%M}.xlsx"


def _own_export(user: User, export_id: uuid.UUID) -> Export | None:
    return Export.objects.filter(pk=export_id, user=user).first()


def _missing(request: HttpRequest) -> HttpResponse:
    message = _("没有这个导出，或它已过期（导出保留一天）")
    return render(request, "web/forbidden.html", {"message": message}, status=404)


@login_required
@require_GET
def export_page(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    job = _own_export(request.user, export_id)  # type: ignore[arg-type]
    if job is None:
        return _missing(request)
    context: dict[str, Any] = {"export": job, "stale": _waiting_long(job)}
    if request.headers.get("HX-Request"):
        return render(request, "web/_export_progress.html", context)
    return render(request, "web/export.html", context)


def _waiting_long(job: Export) -> bool:
    """Queued for over half a minute: no worker is taking the queue (`hotline worker`)."""
    return job.status == ExportStatus.QUEUED and clock.now() - job.created_at > timedelta(seconds=30)


@login_required
@require_GET
def export_file(request: HttpRequest, export_id: uuid.UUID) -> HttpResponseBase:
    job = _own_export(request.user, export_id)  # type: ignore[arg-type]
    if job is None or job.status != ExportStatus.DONE or not export_path(job).exists():
        return _missing(request)
    return FileResponse(
        open(export_path(job), "rb"),
        as_attachment=True,
        filename=_file_name(job.created_at),
        content_type=XLSX,
    )


def build(export_id: str) -> None:
    """Build one export (the worker's task): the user's search again, written to a temporary file
    that becomes the export's file when complete; a failure is recorded on the export and logged."""
    job = Export.objects.select_related("user").filter(pk=export_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return  # deleted, or already taken
    Export.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    final = export_path(job)
    partial = final.with_suffix(".part")
    try:
        with translation.override(job.language):
            form = SearchForm(QueryDict(job.query))
            if not form.is_valid():
                raise ValueError(form.errors.as_text())
            tickets = matching(job.user, form)
            total = tickets.count()
            Export.objects.filter(pk=job.pk).update(total=total)
            final.parent.mkdir(parents=True, exist_ok=True)

            def progress(done: int) -> None:
                Export.objects.filter(pk=job.pk).update(done=done)

            done = write_sheet(tickets, partial, progress)
        os.replace(partial, final)
        Export.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, done=done, total=done, finished_at=clock.now()
        )
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        Export.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:500], finished_at=clock.now()
        )
    forget_old_exports()


def forget_old_exports() -> int:
    """Delete the exports made more than `KEEP` ago, with their files. Returns how many."""
    old = list(Export.objects.filter(created_at__lt=clock.now() - KEEP))
    for job in old:
        export_path(job).unlink(missing_ok=True)
    Export.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
