"""core.timerange: the one range of timestamps Hotline takes in (2000-01-01 .. 2100-12-31, city time),
the database constraints that hold it, `hotline dates repair` for rows stored before them, and the
commands that take a date or a moment."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from hotline.accounts.models import ApiToken
from hotline.core import clock, timerange
from hotline.core.errors import InvalidInput
from hotline.intake.models import Appeal
from hotline.sla.actions import do_request_extension
from hotline.sla.models import Extension
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Assignment, Ticket
from tests.api.conftest import ApiClient
from tests.factories import make_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = datetime(2000, 1, 1, tzinfo=SHANGHAI)
LAST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (FIRST, True),
        (FIRST - timedelta(microseconds=1), False),
        (LAST, True),
        (LAST + timedelta(seconds=1), False),
        (datetime.fromisoformat("2000-01-01T00:00"), True),  # naive: city time
        (datetime.fromisoformat("1999-12-31T23:59"), False),
        (datetime(2000, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))), False),  # 1999-12-31 18:00 here
        (datetime(1999, 12, 31, 16, 0, tzinfo=UTC), True),  # 2000-01-01 00:00 here
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))), False),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))), False),
        (datetime.fromisoformat("0001-01-01T00:00"), False),
        (datetime.fromisoformat("9999-12-31T00:00"), False),
    ],
)
def test_in_range(moment: datetime, inside: bool) -> None:
    assert timerange.in_range(moment) is inside


def test_the_range_is_the_city_s(settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    assert timerange.in_range(datetime(2000, 1, 1, 0, 0, tzinfo=ZoneInfo("America/New_York")))
    assert not timerange.in_range(datetime(2000, 1, 1, 0, 0, tzinfo=SHANGHAI))  # 1999-12-31 11:00 there
    assert "America/New_York" in timerange.range_message()


def test_check_names_the_field_and_the_range() -> None:
    assert timerange.check_moment(None, "x") is None
    assert timerange.check_day(date(2100, 12, 31), "x") == date(2100, 12, 31)
    with pytest.raises(InvalidInput) as refused:
        timerange.check_day(date(2101, 1, 1), "due")
    assert refused.value.message == "due: 须在 2000-01-01 至 2100-12-31 之间（北京时间）"
    assert refused.value.status_code == 422


def test_the_database_bounds_hold_the_range_in_every_zone() -> None:
    for hours in (-12, 14):
        zone = timezone(timedelta(hours=hours))
        assert datetime(2000, 1, 1, tzinfo=zone) >= timerange.DB_FLOOR
        assert datetime(2100, 12, 31, 23, 59, 59, tzinfo=zone) < timerange.DB_CEILING


# --- the database -------------------------------------------------------------------------------------

# (table, constraint, column) of every CHECK constraint of the range.
CHECKS = [
    ("tickets_ticket", "ticket_created_at_in_range", "created_at"),
    ("intake_appeal", "appeal_received_at_in_range", "received_at"),
    ("tickets_assignment", "assignment_due_at_in_range", "due_at"),
    ("sla_extension", "extension_requested_due_at_in_range", "requested_due_at"),
    ("supervision_supervision", "supervision_deadline_in_range", "deadline"),
]
# What a database written before the fix could hold, as SQL literals. PostgreSQL stores far more
# than Python reads (year 10000 in UTC below); SQLite holds the text Django wrote, in UTC.
FAR_PAST = {"sqlite": "'0001-01-01 00:00:00'", "postgresql": "'0001-01-01T00:00:00+08:00'"}
FAR_FUTURE = {"sqlite": "'9999-12-31 23:59:59'", "postgresql": "'9999-12-31T23:59:59-12:00'"}


@pytest.fixture
def loop(staff, departments):
    """A ticket accepted by housing, with an extension request and a supervision with a deadline."""
    with clock.frozen_at(datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI)):
        ticket = make_ticket(actor=staff["operator"])
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
        do_accept_assignment(ticket, staff["housing"])
        do_request_extension(
            ticket,
            staff["housing"],
            reason="等材料",
            requested_due_at=datetime(2025, 6, 30, 17, tzinfo=SHANGHAI),
        )
        do_open_supervision(
            ticket, staff["supervisor"], reason="请加快", deadline=datetime(2025, 6, 20, tzinfo=SHANGHAI)
        )
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "name", "column"), CHECKS)
def test_the_database_refuses_a_row_out_of_range(loop, table, name, column) -> None:
    for value in ("'1990-01-01 00:00:00'", FAR_FUTURE[connection.vendor]):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {value}")


@contextmanager
def checks_off() -> Iterator[None]:
    """Lets the test write what the database held before the constraints existed."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            # Dropped inside the test's transaction: the rollback at its end brings them back. The
            # fixture's inserts left deferred foreign-key checks pending, which ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _column in CHECKS:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            yield


def corrupt(loop: Ticket) -> None:
    past, future = FAR_PAST[connection.vendor], FAR_FUTURE[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE intake_appeal SET received_at = {past} WHERE ticket_id = %s", [loop.pk])
        cursor.execute(f"UPDATE tickets_assignment SET due_at = {future} WHERE ticket_id = %s", [loop.pk])
        cursor.execute(f"UPDATE sla_extension SET requested_due_at = {future}")
        cursor.execute(f"UPDATE supervision_supervision SET deadline = {past}")


def dates(*args: str) -> str:
    out = io.StringIO()
    call_command("dates", "repair", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_repair_finds_and_mends_rows_stored_out_of_range(loop, staff) -> None:
    appeal = Appeal.objects.get(ticket=loop)
    assignment = Assignment.objects.get(ticket=loop)
    extension, supervision = Extension.objects.get(), Supervision.objects.get()
    with checks_off():
        corrupt(loop)

        listed = dates("--dry-run")
        assert f"intake.Appeal.received_at：1 行超出范围（编号 {appeal.pk}）" in listed
        assert f"tickets.Assignment.due_at：1 行超出范围（编号 {assignment.pk}）" in listed
        assert f"sla.Extension.requested_due_at：1 行超出范围（编号 {extension.pk}）" in listed
        assert f"supervision.Supervision.deadline：1 行超出范围（编号 {supervision.pk}）" in listed
        assert "共 4 行，未修改（--dry-run）" in listed
        assert "共 4 行" in dates("--dry-run")  # the dry run changed nothing

        assert "共 4 行，已修复" in dates()
        assert dates() == "没有超出 2000-01-01 至 2100-12-31（北京时间） 的时间\n"

    # The received time became the ticket's creation time; the deadlines went to the nearest end.
    assert Appeal.objects.get(pk=appeal.pk).received_at == loop.created_at
    assert Assignment.objects.get(pk=assignment.pk).due_at == LAST
    assert Extension.objects.get(pk=extension.pk).requested_due_at == LAST
    assert Supervision.objects.get(pk=supervision.pk).deadline == FIRST
    # Every read works again.
    client = ApiClient(staff["leader"], ApiToken.issue(staff["leader"], name="test")[1])
    assert client.get("/tickets").status_code == 200
    assert client.get(f"/tickets/{loop.pk}").status_code == 200
    if connection.vendor == "postgresql":
        # What the migrations do after the repair: the constraints go back on and hold every row.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            for model in (Ticket, Appeal, Assignment, Extension, Supervision):
                for constraint in model._meta.constraints:
                    if constraint.name.endswith("_in_range"):
                        editor.add_constraint(model, constraint)


# --- commands -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_the_calendar_refuses_a_day_out_of_range(day) -> None:
    with pytest.raises(CommandError, match=r"须在 2000-01-01 至 2100-12-31 之间"):
        call_command("calendar", "is-workday", day, stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "2101-01-01T00:00+08:00"]
)
def test_the_sweep_refuses_a_moment_out_of_range(at) -> None:
    with pytest.raises(CommandError, match=r"--at: 须在 2000-01-01 至 2100-12-31 之间"):
        call_command("sweep", "--at", at, stdout=io.StringIO())
