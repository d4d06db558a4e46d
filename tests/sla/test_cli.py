"""`hotline calendar`: answers on stdout with exit 0; a bad question gets a message and a non-zero exit."""

import io
from datetime import date
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connections

from hotline.sla.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().strip()


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """As `hotline calendar ...` runs from a shell: the exit code, stdout and stderr."""
    # run_from_argv closes the database connections when it ends, which would end the test's transaction.
    with mock.patch.object(connections, "close_all"):
        try:
            ManagementUtility(["hotline", "calendar", *args]).execute()
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("is-workday", "2025-09-28"), "yes"),  # make-up Sunday
        (("is-workday", "2025-10-01"), "no"),
        (("is-workday", "2025-06-14"), "no"),  # an ordinary Saturday
        (("add-workdays", "2025-09-30", "3"), "2025-10-11"),  # the make-up Saturday
        (("add-workdays", "2024-02-08", "2"), "2024-02-18"),  # over Spring Festival 2024
        (("add-workdays", "2026-02-13", "1"), "2026-02-14"),
        (("add-workdays", "2025-06-10", "0"), "2025-06-10"),
    ],
)
def test_answers(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: str) -> None:
    assert run(*args) == expected
    assert run_cli(capsys, *args) == (0, expected, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("is-workday", "2025-02-30"), "'2025-02-30' 无效"),
        (("is-workday", "tomorrow"), "'tomorrow' 无效"),
        (("add-workdays", "2025-13-01", "1"), "'2025-13-01' 无效"),
        (("add-workdays", "2025-09-30", "-1"), "工作日数 '-1' 无效"),
        (("add-workdays", "2025-09-30", "three"), "工作日数 'three' 无效"),
        (("is-workday", "2099-01-05"), "2099 年的节假日安排未知"),
        (("add-workdays", "2026-12-28", "5"), "2027 年的节假日安排未知"),
        (("is-workday", "2025-09-28", "--jurisdiction", "X99"), "辖区 'X99' 不存在"),
    ],
)
def test_bad_questions(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    code, out, err = run_cli(capsys, *args)
    assert code != 0
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_jurisdiction_overrides(capsys: pytest.CaptureFixture[str], departments) -> None:
    CalendarOverride.objects.create(
        department=departments["district"], day=date(2025, 6, 11), is_workday=False, reason="地方节日"
    )
    assert run("is-workday", "2025-06-11") == "yes"
    assert run("is-workday", "2025-06-11", "--jurisdiction", "D01") == "no"
    assert run("is-workday", "2025-06-11", "--jurisdiction", "D0101") == "no"  # the street under it
    assert run("is-workday", "2025-06-11", "--jurisdiction", "B01") == "yes"
    assert run("add-workdays", "2025-06-10", "1", "--jurisdiction", "D0101") == "2025-06-12"


def test_a_year_entered_in_the_admin(capsys: pytest.CaptureFixture[str]) -> None:
    CalendarOverride.objects.create(day=date(2027, 1, 1), is_workday=False, reason="元旦")
    assert (
        run("is-workday", "2027-01-01") == "no"
    )  # an override is an answer even before the year is complete
    assert run_cli(capsys, "is-workday", "2027-01-04")[0] != 0
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕X号")
    assert run("is-workday", "2027-01-04") == "yes"
    assert run("add-workdays", "2026-12-31", "1") == "2027-01-04"
