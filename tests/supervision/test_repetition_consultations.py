"""Consultations (咨询) and repetition: the same question asked by many callers is no department's
failure to solve a problem, so it raises no repetition order (督办). It is not a place's or an
issue's repetition at all (a question asked again is the knowledge base's matter, 百问百答); a
citizen who asks the same question every day is still counted for a person's review, but only
their complaints and requests can make that repetition an order."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import Kind, RepetitionKind, SupervisionReason
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import REPEAT_REASONS, Supervision
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.supervision.conftest import at, counted_sweep, open_flags, received, stale_issue

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)
K = RepetitionKind
QUESTION = ("公租房什么时候摇号", "请问今年公租房什么时候摇号，申请需要准备哪些材料？")
ADDRESS = "东湖区湖滨街道滨江花园20栋"


def dispatch(ticket: Ticket, staff, department, moment) -> None:
    with clock.frozen_at(moment):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=department.pk)


def ask(staff, days: float, *, phone: str, address: str = ADDRESS) -> Ticket:
    title, content = QUESTION
    return received(
        staff,
        START + timedelta(days=days),
        title=title,
        content=content,
        phone=phone,
        address=address,
        kind=Kind.CONSULTATION,
    )


def repetition_orders() -> list[Supervision]:
    return list(Supervision.objects.filter(reason__in=REPEAT_REASONS).order_by("pk"))


def test_four_callers_asking_one_question_raise_no_issue_no_place_and_no_order(staff, departments):
    """The same question from four neighbours, each dispatched to the housing bureau to answer."""
    questions = [ask(staff, d, phone=f"1390000{100 + d}") for d in range(4)]
    for d, ticket in enumerate(questions):
        dispatch(ticket, staff, departments["housing"], START + timedelta(days=d, hours=1))

    report = counted_sweep(START + timedelta(days=4), REPEAT_COUNT=3)

    assert report.counts["repeated"] == 0
    assert repetition_orders() == []
    assert open_flags(K.ISSUE) == [] and open_flags(K.PLACE) == [] and open_flags(K.CITIZEN) == []


def test_a_citizen_asking_the_same_question_daily_is_reviewed_but_never_supervised(
    client, staff, departments, api_as
):
    questions = [ask(staff, d, phone="13900005678") for d in range(3)]
    dispatch(questions[-1], staff, departments["housing"], START + timedelta(days=2, hours=1))

    counted_sweep(START + timedelta(days=3))
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.consultations, flag.needs_review) == (3, 3, True)
    [item] = api_as(staff["supervisor"]).get("/repetitions").json()["items"]
    assert (item["kind"], item["count"], item["consultations"]) == ("citizen", 3, 3)
    # The reviewer reads that they were questions, and where questions asked again go instead.
    client.force_login(staff["supervisor"])
    with clock.frozen_at(START + timedelta(days=3)):
        page = client.get("/supervision/repetitions/").content.decode()
    # None of them counts towards an order.
    assert "30 天内 3 次" in page and "（反映问题 0 次，计入督办；其中咨询 3 次）" in page
    assert "咨询 · 已派单" in page
    assert 'id="repetition-consultations"' in page and 'href="/knowledge/?status=proposed"' in page
    client.force_login(staff["leader"])  # reads the page, reviews no article
    with clock.frozen_at(START + timedelta(days=3)):
        page = client.get("/supervision/repetitions/").content.decode()
    assert 'id="repetition-consultations"' in page and "/knowledge/?status=proposed" not in page
    with clock.frozen_at(START + timedelta(days=3, hours=1)):
        do_review_repetition(flag, staff["supervisor"], outcome="reasonable", note="政策一直没公布")

    assert counted_sweep(START + timedelta(days=3, hours=2)).counts["repeated"] == 0
    assert repetition_orders() == []


def test_a_citizen_needs_three_complaints_for_an_order_whatever_they_asked_besides(staff, departments):
    """Two questions and two complaints: four appeals for the review, two problems: no order. A
    third complaint: the order goes on the complaint a department handles, not on the question
    that is newer and handled too."""
    phone = "13900005678"
    complaints = [
        received(staff, START + timedelta(days=d), title="电梯又坏了", address=ADDRESS, phone=phone)
        for d in (0, 1)
    ]
    ask(staff, 2, phone=phone)
    ask(staff, 3, phone=phone)
    dispatch(complaints[1], staff, departments["water"], START + timedelta(days=3, hours=1))

    counted_sweep(START + timedelta(days=4))
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.consultations) == (4, 2)
    with clock.frozen_at(START + timedelta(days=4, hours=1)):
        do_review_repetition(flag, staff["supervisor"], outcome="reasonable")
    assert counted_sweep(START + timedelta(days=4, hours=2)).counts["repeated"] == 0

    received(staff, START + timedelta(days=5), title="电梯还是坏的", address=ADDRESS, phone=phone)
    question = ask(staff, 6, phone=phone)
    dispatch(question, staff, departments["housing"], START + timedelta(days=6, hours=1))
    assert counted_sweep(START + timedelta(days=7)).counts["repeated"] == 1
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.consultations) == (6, 3)
    [order] = repetition_orders()
    assert order.reason == SupervisionReason.REPEATED_CITIZEN
    assert order.ticket == complaints[1] and order.department == departments["water"]
    assert order.reason_text.startswith("同一市民 30 天内反映 3 次")


def test_at_a_place_only_the_complaints_count_and_the_order_never_lands_on_a_question(staff, departments):
    """Three neighbours complain about one building; a fourth asks a question about it, later, and
    the question is dispatched too: the place counts three, and the order goes on a complaint."""
    complaints = [
        received(staff, START + timedelta(days=d), title=title, address=ADDRESS, phone=f"1390000{200 + d}")
        for d, title in enumerate(("电梯又坏了", "楼道灯坏了", "垃圾没人清运"))
    ]
    dispatch(complaints[0], staff, departments["water"], START + timedelta(days=2, hours=1))
    question = ask(staff, 3, phone="13900000300")
    dispatch(question, staff, departments["housing"], START + timedelta(days=3, hours=1))

    assert counted_sweep(START + timedelta(days=4)).counts["repeated"] == 1
    [flag] = open_flags(K.PLACE)
    assert (flag.count, flag.consultations) == (3, 0)
    assert set(flag.tickets.all()) == set(complaints)
    [order] = repetition_orders()
    assert order.ticket == complaints[0] and order.reason == SupervisionReason.REPEATED_PLACE


def test_a_repeated_question_counted_before_is_cleared_at_the_next_count(staff, departments):
    """Issues that earlier counters raised from questions go away when the counters run again."""
    questions = [ask(staff, d, phone=f"1390000{400 + d}", address=f"测试路{d}号") for d in range(3)]
    stale = stale_issue(questions, QUESTION[0], START + timedelta(days=2))

    counted_sweep(START + timedelta(days=3))
    stale.refresh_from_db()
    assert stale.cleared_at is not None and open_flags(K.ISSUE) == []
