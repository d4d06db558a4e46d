"""The leader lists the worker keeps for the report periods (analytics.leader_lists), on the
hand-built June: which periods it makes and when, that the reports read them, and that a closed
period's list is made once after its end."""

from datetime import date

from hotline.analytics import leader_lists, tasks
from hotline.analytics.models import LeaderList
from hotline.analytics.periods import Period
from hotline.analytics.reports import build, leader_items, period_of
from hotline.core import clock
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)

NOW = at(6, 20, 12)


def kept() -> dict[tuple[str, date], object]:
    return {(row.kind, row.first_day): row.made_at for row in LeaderList.objects.all()}


def test_the_running_periods_and_the_ones_before(june) -> None:  # noqa: F811
    with clock.frozen_at(NOW):
        assert leader_lists.refresh() == 8
    assert kept() == {
        ("daily", date(2025, 6, 20)): NOW,
        ("daily", date(2025, 6, 19)): NOW,
        ("weekly", date(2025, 6, 16)): NOW,
        ("weekly", date(2025, 6, 9)): NOW,
        ("monthly", date(2025, 6, 1)): NOW,
        ("monthly", date(2025, 5, 1)): NOW,
        ("quarterly", date(2025, 4, 1)): NOW,
        ("quarterly", date(2025, 1, 1)): NOW,
    }
    # Ten minutes later only the running periods are counted again: the others were made after
    # their end and stay as they were.
    later = at(6, 20, 12, 10)
    with clock.frozen_at(later):
        assert leader_lists.refresh() == 4
    assert kept()[("daily", date(2025, 6, 20))] == later
    assert kept()[("daily", date(2025, 6, 19))] == NOW
    # The next day: yesterday's list (made while it ran) is made once more, after its end, and
    # the day before it is dropped with the other lists of periods long past.
    tomorrow = at(6, 21, 0, 5)
    with clock.frozen_at(tomorrow):
        assert leader_lists.refresh() == 5
    assert kept()[("daily", date(2025, 6, 20))] == tomorrow
    assert ("daily", date(2025, 6, 19)) in kept()  # still within the last quarter's range
    with clock.frozen_at(at(10, 2)):
        leader_lists.refresh()
    assert min(first for _kind, first in kept()) == date(2025, 7, 1)


def test_the_report_reads_the_kept_list(staff, june) -> None:  # noqa: F811
    june_period = period_of("monthly", date(2025, 6, 18))
    with clock.frozen_at(NOW):
        live = build("monthly", date(2025, 6, 18))
        assert live.items_made_at is None
        leader_lists.refresh()
        read = build("monthly", date(2025, 6, 18))
    assert read.items == live.items and read.items_made_at == NOW
    first = read.items[0]
    assert (first.category, first.area, first.appeals, first.repeated) == ("市政设施", "和平街道", 2, 1)

    # A new appeal counts in the list once the worker has counted again.
    street = june.tickets["t1"].area_id
    category = june.tickets["t1"].category_id
    with clock.frozen_at(at(6, 20, 13)):
        do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title="路灯还是不亮",
                content="幸福路12号路灯又不亮了。",
                citizen_phone="13900000000",
                category_id=category,
                area_id=street,
            ),
            staff["operator"],
        )
        assert build("monthly", date(2025, 6, 18)).items[0].appeals == 2
        assert leader_items(june_period)[0].appeals == 3
        leader_lists.refresh()
        assert build("monthly", date(2025, 6, 18)).items[0].appeals == 3


def test_the_recount_makes_them(june) -> None:  # noqa: F811
    with clock.frozen_at(NOW):
        report = tasks.recount_due()
    assert report["leader_lists"] == 8
    assert LeaderList.objects.get(kind="weekly", first_day=date(2025, 6, 16)).last_day == date(2025, 6, 22)
    assert leader_lists.read("weekly", Period.days(date(2025, 6, 16), date(2025, 6, 22))) is not None
    assert leader_lists.read("weekly", Period.days(date(2025, 6, 16), date(2025, 6, 21))) is None
