"""Large exports (/tickets/export.xlsx beyond DIRECT_ROWS): built by the worker, their progress on a
page of their own, the file for the user who asked only, kept for a day."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from hotline.core.enums import ExportStatus
from hotline.web import exports
from hotline.web.models import Export
from tests.web.test_search import tickets  # noqa: F401  (three tickets, one dispatched to housing)


@pytest.fixture
def small_limits(monkeypatch, settings, tmp_path):
    """Everything above one row goes to the worker, written two rows at a time; the worker's task
    runs when the request's transaction commits (the immediate backend)."""
    monkeypatch.setattr(exports, "DIRECT_ROWS", 1)
    monkeypatch.setattr(exports, "CHUNK", 2)
    settings.HOTLINE_HOME = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def ask(client, user, **filters):
    client.force_login(user)
    return client.get("/tickets/export.xlsx", filters)


def test_a_large_export_goes_to_the_worker_and_its_page_shows_the_progress(
    client,
    staff,
    tickets,  # noqa: F811
    small_limits,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = ask(client, staff["operator"])
    job = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/exports/{job.pk}/"
    assert (job.status, job.total, job.done, job.user) == (ExportStatus.QUEUED, 3, 0, staff["operator"])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'value="0"' in page and "已写入 0 / 3 件" in page
    assert 'hx-trigger="every 1s"' in page  # htmx asks again every second
    assert 'http-equiv="refresh"' in page  # and without JavaScript, the page refreshes itself
    assert "export-download" not in page

    for callback in queued:  # the worker takes the task
        callback()
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == (ExportStatus.DONE, 3, 100)
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "hx-trigger" not in fragment and "已完成" in fragment  # finished: no more polling
    assert f'href="/tickets/exports/{job.pk}/file"' in fragment

    download = client.get(f"/tickets/exports/{job.pk}/file")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="tickets-')
    content = b"".join(download.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号"
    assert [r[0] for r in rows[1:]] == [t.number for t in reversed(tickets)]  # newest first, every chunk
    assert "137****0003" in rows[1] and not any("13700000003" in str(v) for row in rows for v in row)


def test_progress_is_counted_chunk_by_chunk(staff, tickets, small_limits) -> None:  # noqa: F811
    seen: list[int] = []
    written = exports.write_sheet(
        exports.Ticket.objects.order_by("-created_at", "-pk"), io.BytesIO(), seen.append
    )
    assert written == 3 and seen == [2, 3]


def test_only_the_user_who_asked_sees_the_export(
    client,
    staff,
    tickets,  # noqa: F811
    small_limits,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, staff["operator"])
    job = Export.objects.get()
    assert job.status == ExportStatus.DONE
    for other in ("dispatcher", "supervisor", "housing"):
        client.force_login(staff[other])
        assert client.get(f"/tickets/exports/{job.pk}/").status_code == 404
        assert client.get(f"/tickets/exports/{job.pk}/file").status_code == 404
    client.logout()
    assert client.get(f"/tickets/exports/{job.pk}/file").status_code == 302  # to the login
    client.force_login(staff["operator"])
    assert client.get("/tickets/exports/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_worker_searches_as_the_user(client, staff, tickets, small_limits) -> None:  # noqa: F811
    # A department sees its own tickets only, in the export as in the list.
    client.force_login(staff["housing"])
    assert client.get("/tickets/export.xlsx").status_code == 200  # one ticket: written at once
    assert not Export.objects.exists()
    job = Export.objects.create(user=staff["housing"], query="", total=0, created_at=clock.now())
    exports.build(str(job.pk))
    job.refresh_from_db()
    rows = list(load_workbook(exports.export_path(job)).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [tickets[1].number] and job.total == 1


def test_a_failed_export_says_so(client, staff, small_limits) -> None:
    job = Export.objects.create(
        user=staff["operator"], query="created_from=2026-13-40", created_at=clock.now()
    )
    exports.build(str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "created_from" in job.error
    client.force_login(staff["operator"])
    page = client.get(f"/tickets/exports/{job.pk}/").content.decode()
    assert "导出失败" in page and "hx-trigger" not in page
    assert client.get(f"/tickets/exports/{job.pk}/file").status_code == 404
    assert not list(exports.export_dir().glob("*.part"))


def test_a_queue_nobody_takes_is_pointed_out(client, staff) -> None:
    job = Export.objects.create(
        user=staff["operator"], query="", created_at=clock.now() - timedelta(minutes=1)
    )
    client.force_login(staff["operator"])
    assert "hotline worker" in client.get(f"/tickets/exports/{job.pk}/").content.decode()


def test_exports_are_kept_for_a_day(staff, tickets, small_limits) -> None:  # noqa: F811
    old = Export.objects.create(user=staff["operator"], query="", created_at=clock.now())
    exports.build(str(old.pk))
    assert exports.export_path(old).exists()
    Export.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=1, minutes=1))
    fresh = Export.objects.create(user=staff["operator"], query="", created_at=clock.now())
    exports.build(str(fresh.pk))  # each build forgets the old ones
    assert not Export.objects.filter(pk=old.pk).exists() and not exports.export_path(old).exists()
    assert exports.export_path(fresh).exists()


def test_more_than_a_sheet_holds_is_refused(client, staff, tickets, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    response = ask(client, staff["operator"])
    assert response.status_code == 413 and "超过一次导出的上限 2 件" in response.content.decode()
    assert not Export.objects.exists()
