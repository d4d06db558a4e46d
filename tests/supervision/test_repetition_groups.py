"""What the issue and place counters put together, and how a person takes a wrong group apart.

An issue is one problem at one place: tickets whose texts are each like the next (a stairwell light
like a street light like the street light of 西山路) are not one issue unless every pair of them is.
A reviewer who finds that a group is not one problem (or not one place) says so; the group is
cleared, and its appeals no longer count for a group of that kind: the same tickets do not come
back, while new appeals may make a new one."""

import logging
from datetime import datetime, timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import RepetitionKind, RepetitionOutcome, SupervisionReason
from hotline.core.errors import InvalidInput
from hotline.dedup.search import scan
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import Repetition, Supervision
from hotline.tickets.actions import do_dispatch_ticket
from hotline.tickets.models import Ticket, TicketEvent
from tests.supervision.conftest import at, counted_sweep, open_flags, received, refresh

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)
K = RepetitionKind

# The street lights of 西山路 (three tellings), a street light with no place named, and a stairwell
# light in an estate. With character n-grams at 0.5 each 西山路 text is a duplicate of the others and
# of the nameless one, which is also a duplicate of the stairwell; the stairwell is a duplicate of no
# 西山路 text (another place named).
XISHAN = [
    ("西山路路灯不亮", "西山路路灯不亮，晚上很黑，请尽快修理。"),
    ("西山路路灯坏了", "西山路路灯不亮好几天了，晚上很黑，请尽快修理。"),
    ("西山路路灯不亮", "西山路一排路灯都不亮，晚上走路很黑，请尽快修理。"),
]
NAMELESS = ("路灯不亮", "楼下路灯不亮，晚上很黑，请尽快修理。")
STAIRWELL = ("楼道灯不亮", "滨江花园20栋楼道灯不亮，晚上很黑，请尽快修理。")


def appeal(
    staff, moment: datetime, text: tuple[str, str], *, phone: str, address: str | None = None
) -> Ticket:
    title, content = text
    address = address if address is not None else f"{phone}号"
    return received(
        staff, moment, title=title, content=content, phone=phone, citizen_name="市民", address=address
    )


def dispatch(ticket: Ticket, staff, department, moment: datetime) -> None:
    with clock.frozen_at(moment):
        do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=department.pk)


def test_an_issue_is_one_problem_at_one_place_not_a_chain_of_similar_texts(staff, departments) -> None:
    first = appeal(staff, START, XISHAN[0], phone="13600000001")
    nameless = appeal(staff, START + timedelta(days=1), NAMELESS, phone="13600000002")
    second = appeal(staff, START + timedelta(days=2), XISHAN[1], phone="13600000003")
    stairwell = appeal(staff, START + timedelta(days=3), STAIRWELL, phone="13600000004")
    third = appeal(staff, START + timedelta(days=4), XISHAN[2], phone="13600000005")

    refresh(START + timedelta(days=5))

    [issue] = open_flags(K.ISSUE)
    assert set(issue.tickets.all()) == {first, nameless, second, third}
    assert issue.count == 4 and issue.label == "西山路路灯不亮"

    # A department handles the stairwell and one of the street lights: the order goes to the street
    # light, none to the stairwell.
    dispatch(stairwell, staff, departments["housing"], START + timedelta(days=5, hours=1))
    dispatch(second, staff, departments["water"], START + timedelta(days=5, hours=1))
    assert counted_sweep(START + timedelta(days=5, hours=2)).counts["repeated"] == 1
    order = Supervision.objects.get(reason=SupervisionReason.REPEATED)
    assert (order.ticket, order.department) == (second, departments["water"])
    assert order.get_reason_display() == "同一问题重复反映"
    assert order.reason_text.startswith("同一问题（西山路路灯不亮）30 天内 4 位诉求人反映")


def test_the_duplicate_scan_groups_a_period_as_the_counters_do(staff) -> None:
    """`hotline dedup scan` and the issue counter read one clustering (`dedup.search.clusters_of`):
    the stairwell, a duplicate of the nameless street light only, is not in the street's cluster."""
    tickets = [
        appeal(staff, START, XISHAN[0], phone="13600000001"),
        appeal(staff, START + timedelta(days=1), NAMELESS, phone="13600000002"),
        appeal(staff, START + timedelta(days=2), XISHAN[1], phone="13600000003"),
        appeal(staff, START + timedelta(days=3), STAIRWELL, phone="13600000004"),
        appeal(staff, START + timedelta(days=4), XISHAN[2], phone="13600000005"),
    ]
    first, nameless, second, _stairwell, third = tickets

    assert scan(START - timedelta(days=1)) == [[first, nameless, second, third]]


def test_a_reviewer_says_an_issue_is_not_one_problem(client, staff, departments, caplog) -> None:
    tickets = [
        appeal(staff, START + timedelta(days=d), text, phone=f"1360000000{d}")
        for d, text in enumerate(XISHAN)
    ]
    dispatch(tickets[0], staff, departments["water"], START + timedelta(days=2, hours=1))
    refresh(START + timedelta(days=3))
    [issue] = open_flags(K.ISSUE)

    # Offered on the list of repetitions, as the issue's own words.
    client.force_login(staff["supervisor"])
    with clock.frozen_at(START + timedelta(days=3)):
        listed = client.get("/supervision/repetitions/").content.decode()
    row = listed[listed.index(f'id="repetition-{issue.pk}"') : listed.index("</ol>")]
    assert 'name="outcome" value="unrelated">不是同一问题</button>' in row

    # Refused in the words of another kind.
    for wrong in ("other_place", "unreasonable"):
        with pytest.raises(InvalidInput, match="outcome"):
            do_review_repetition(issue, staff["supervisor"], outcome=wrong)

    with (
        clock.frozen_at(START + timedelta(days=3, hours=1)),
        caplog.at_level(logging.INFO, "hotline.supervision"),
    ):
        response = client.post(
            f"/supervision/repetitions/{issue.pk}/review/",
            {"outcome": "unrelated", "note": "三处不同路段的路灯", "next": "/supervision/repetitions/"},
            follow=True,
        )
    assert response.redirect_chain == [("/supervision/repetitions/", 302)]
    assert "不是同一问题" in response.content.decode()
    issue.refresh_from_db()
    assert (issue.outcome, issue.reviewed_by, issue.review_note) == (
        RepetitionOutcome.UNRELATED,
        staff["supervisor"],
        "三处不同路段的路灯",
    )
    assert issue.cleared_at == START + timedelta(days=3, hours=1)
    event = TicketEvent.objects.get(ticket=issue.ticket, action="review_repetition")
    assert event.actor == staff["supervisor"] and event.details["outcome"] == "unrelated"
    assert any(f"repetition {issue.pk}" in r.getMessage() and "sup" in r.getMessage() for r in caplog.records)
    assert f'id="repetition-{issue.pk}"' not in response.content.decode()

    # The same tickets do not come back as an issue, and raise no order.
    assert refresh(START + timedelta(days=3, hours=2)).raised == 0
    assert open_flags(K.ISSUE) == []
    assert counted_sweep(START + timedelta(days=3, hours=3)).counts["repeated"] == 0
    assert not Supervision.objects.filter(reason=SupervisionReason.REPEATED).exists()

    # New appeals about it count from nothing: two are not enough, the third makes a new issue.
    later = [
        appeal(staff, START + timedelta(days=4 + d), text, phone=f"1350000000{d}")
        for d, text in enumerate(XISHAN[:2])
    ]
    assert refresh(START + timedelta(days=6)).raised == 0
    later.append(appeal(staff, START + timedelta(days=6), XISHAN[2], phone="13500000009"))
    assert refresh(START + timedelta(days=6, hours=1)).raised == 1
    [again] = open_flags(K.ISSUE)
    assert again.pk != issue.pk and set(again.tickets.all()) == set(later) and again.count == 3


def test_a_reviewer_says_a_place_is_not_one_place(client, staff, departments) -> None:
    """An address that names no one place (a whole district) gathers unrelated appeals."""
    problems = [
        ("人行道井盖缺失", "井盖不见了"),
        ("广场舞噪音扰民", "晚上十点还在跳"),
        ("公交站牌损坏", "站牌倒了"),
    ]
    tickets = [
        appeal(staff, START + timedelta(days=d), text, phone=f"1340000000{d}", address="东湖区")
        for d, text in enumerate(problems)
    ]
    dispatch(tickets[0], staff, departments["water"], START + timedelta(days=2, hours=1))
    refresh(START + timedelta(days=3))
    [place] = open_flags(K.PLACE)

    with pytest.raises(InvalidInput, match="outcome"):
        do_review_repetition(place, staff["supervisor"], outcome="unrelated")
    with clock.frozen_at(START + timedelta(days=3, hours=1)):
        do_review_repetition(place, staff["dispatcher"], outcome="other_place", note="只写了区名")
    place.refresh_from_db()
    assert (place.outcome, place.reviewed_by, place.get_outcome_display()) == (
        "other_place",
        staff["dispatcher"],
        "不是同一地点",
    )
    assert place.cleared_at is not None

    assert counted_sweep(START + timedelta(days=3, hours=2)).counts["repeated"] == 0
    assert open_flags(K.PLACE) == []
    # A reviewed group is reviewed once.
    assert Repetition.objects.filter(kind=K.PLACE).count() == 1


def test_a_citizen_review_keeps_its_outcomes(staff) -> None:
    """A citizen's repetition is not a place: 不是同一地点 is not one of its outcomes."""
    for d in range(3):
        appeal(staff, START + timedelta(days=d), XISHAN[d], phone="13900005678", address=f"别处{d}")
    refresh(START + timedelta(days=3))
    [citizen] = open_flags(K.CITIZEN)
    with pytest.raises(InvalidInput, match="outcome"):
        do_review_repetition(citizen, staff["supervisor"], outcome="other_place")
    do_review_repetition(citizen, staff["supervisor"], outcome="unrelated")
    citizen.refresh_from_db()
    # Reviewed, and still counted: a citizen's repetition is never dismissed by a review.
    assert citizen.cleared_at is None and citizen.outcome == "unrelated"
