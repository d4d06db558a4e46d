"""Which kinds of appeal repetition supervises: only those that report a problem (投诉, 求助, 举报;
`repetition.PROBLEM_KINDS`). "多次重复反映" says a problem is not being solved; a suggestion (建议) or
a thanks (表扬) made again by neighbours is no unit's failure, so places and issues do not count
them and no repetition order lands on one. A citizen's count keeps every appeal for the review of
possibly unreasonable calls, but a reasonable one is supervised only for its problems."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import Kind, RepetitionKind, SupervisionReason
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import REPEAT_REASONS, Supervision
from hotline.supervision.repetition import PROBLEM_KINDS
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.supervision.conftest import at, counted_sweep, open_flags, received, stale_issue

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)
K = RepetitionKind
ADDRESS = "东湖区湖滨街道滨江花园社区"
GYM = (
    "建议在滨江花园社区增设健身器材",
    "滨江花园社区没有健身的地方，老人只能在马路边活动，建议增设健身器材。",
)
THANKS = ("感谢湖滨街道及时清理垃圾", "滨江花园门口堆了很久的垃圾，街道当天就清走了，特此表扬。")


def dispatch(ticket: Ticket, staff, department, moment) -> None:
    with clock.frozen_at(moment):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=department.pk)


def appeal(staff, days: float, kind: str, words: tuple[str, str], *, phone: str) -> Ticket:
    title, content = words
    return received(
        staff,
        START + timedelta(days=days),
        title=title,
        content=content,
        phone=phone,
        address=ADDRESS,
        kind=kind,
    )


def repetition_orders() -> list[Supervision]:
    return list(Supervision.objects.filter(reason__in=REPEAT_REASONS).order_by("pk"))


def test_the_kinds_that_report_a_problem():
    assert {Kind.COMPLAINT, Kind.HELP, Kind.REPORT} == PROBLEM_KINDS


@pytest.mark.parametrize(("kind", "words"), [(Kind.SUGGESTION, GYM), (Kind.PRAISE, THANKS)])
def test_neighbours_suggesting_or_praising_the_same_raise_no_place_no_issue_and_no_order(
    staff, departments, kind, words
):
    """Three neighbours in ten days, the same words at the same place, each with the street to
    handle: the demo city's 督办 on 增设健身器材."""
    tickets = [appeal(staff, 3 * d, kind, words, phone=f"1390000{100 + d}") for d in range(3)]
    for d, ticket in enumerate(tickets):
        dispatch(ticket, staff, departments["street"], START + timedelta(days=3 * d, hours=1))

    report = counted_sweep(START + timedelta(days=9), REPEAT_COUNT=3)

    assert report.counts["repeated"] == 0
    assert repetition_orders() == []
    assert open_flags(K.ISSUE) == [] and open_flags(K.PLACE) == [] and open_flags(K.CITIZEN) == []


def test_a_place_counts_complaints_requests_and_reports_and_the_order_lands_on_none_of_the_others(
    staff, departments, api_as
):
    """A complaint, a request for help and a report at one place: three. A suggestion and a praise
    there, newer and handled too, count for nothing and carry no order."""
    problems = [
        appeal(staff, d, kind, (title, ""), phone=f"1390000{200 + d}")
        for d, (kind, title) in enumerate(
            (
                (Kind.COMPLAINT, "电梯又坏了"),
                (Kind.HELP, "老人被困电梯求助"),
                (Kind.REPORT, "举报物业不检修电梯"),
            )
        )
    ]
    dispatch(problems[0], staff, departments["water"], START + timedelta(days=2, hours=1))
    others = [
        appeal(staff, 3, Kind.SUGGESTION, GYM, phone="13900000300"),
        appeal(staff, 4, Kind.PRAISE, THANKS, phone="13900000301"),
    ]
    for d, ticket in enumerate(others):
        dispatch(ticket, staff, departments["street"], START + timedelta(days=3 + d, hours=1))

    assert counted_sweep(START + timedelta(days=5)).counts["repeated"] == 1
    [flag] = open_flags(K.PLACE)
    assert (flag.count, flag.problems, flag.consultations) == (3, 3, 0)
    assert set(flag.tickets.all()) == set(problems)
    [order] = repetition_orders()
    assert order.ticket == problems[0] and order.reason == SupervisionReason.REPEATED_PLACE
    assert "3 位诉求人反映" in order.reason_text
    [item] = api_as(staff["supervisor"]).get("/repetitions", {"kind": "place"}).json()["items"]
    assert (item["count"], item["problems"], item["consultations"]) == (3, 3, 0)


def test_a_citizen_counts_every_appeal_for_the_review_and_only_problems_for_an_order(
    client, staff, departments, api_as
):
    """Two complaints, a suggestion, a praise and a question: five appeals to review, of which one
    question, two problems: found reasonable, no order. A request for help makes three problems:
    the order goes on a problem a unit handles, not on the newer suggestion handled too."""
    phone = "13900005678"
    complaints = [appeal(staff, d, Kind.COMPLAINT, ("电梯又坏了", ""), phone=phone) for d in (0, 1)]
    appeal(staff, 2, Kind.SUGGESTION, GYM, phone=phone)
    appeal(staff, 3, Kind.PRAISE, THANKS, phone=phone)
    appeal(staff, 4, Kind.CONSULTATION, ("公租房什么时候摇号", ""), phone=phone)
    dispatch(complaints[1], staff, departments["water"], START + timedelta(days=4, hours=1))

    counted_sweep(START + timedelta(days=5))
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.consultations, flag.problems, flag.needs_review) == (5, 1, 2, True)
    [item] = api_as(staff["supervisor"]).get("/repetitions").json()["items"]
    assert (item["count"], item["consultations"], item["problems"]) == (5, 1, 2)
    with clock.frozen_at(START + timedelta(days=5, hours=1)):
        do_review_repetition(flag, staff["supervisor"], outcome="reasonable")
    assert counted_sweep(START + timedelta(days=5, hours=2)).counts["repeated"] == 0

    appeal(staff, 6, Kind.HELP, ("电梯还是坏的，老人下不了楼", ""), phone=phone)
    suggestion = appeal(staff, 7, Kind.SUGGESTION, GYM, phone=phone)
    dispatch(suggestion, staff, departments["street"], START + timedelta(days=7, hours=1))
    assert counted_sweep(START + timedelta(days=8)).counts["repeated"] == 1
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.consultations, flag.problems) == (7, 1, 3)
    [order] = repetition_orders()
    assert order.reason == SupervisionReason.REPEATED_CITIZEN
    assert order.ticket == complaints[1] and order.department == departments["water"]
    assert order.reason_text.startswith("同一市民 30 天内反映 3 次")


def test_a_place_raised_from_suggestions_before_is_cleared_at_the_next_count(staff):
    tickets = [appeal(staff, d, Kind.SUGGESTION, GYM, phone=f"1390000{400 + d}") for d in range(3)]
    stale = stale_issue(tickets, GYM[0], START + timedelta(days=2), problems=3)

    counted_sweep(START + timedelta(days=3))
    stale.refresh_from_db()
    assert stale.cleared_at is not None and open_flags(K.ISSUE) == [] and repetition_orders() == []


def test_the_repetitions_page_names_the_kinds_that_count_and_those_that_do_not(client, staff):
    client.force_login(staff["supervisor"])
    with clock.frozen_at(START):
        page = client.get("/supervision/repetitions/").content.decode()
    start = page.index('id="repetition-consultations"')
    note = page[start : page.index("</p>", start)]
    counted, _sep, not_counted = note.partition("；")
    assert all(str(Kind(k).label) in counted for k in PROBLEM_KINDS)
    assert all(str(Kind(k).label) in not_counted for k in set(Kind.values) - PROBLEM_KINDS)
