"""Repetition counters (supervision.repetition): appeals per citizen, per place and per issue over a
rolling 30 days; three or more raise a flag shown on the supervision board and on the ticket; a
citizen's repetition waits for a person's review, which rejects nothing; issues feed the sweep's
repetition orders; a flag clears once the window rolled past it."""

import functools
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import RepetitionKind, SupervisionReason, TicketStatus
from hotline.core.errors import ActionNotAllowed, Forbidden, InvalidInput
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import Supervision
from hotline.supervision.repetition import open_repetitions_of
from hotline.tickets.actions import do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket, TicketEvent
from tests.supervision.conftest import at, open_flags, received, refresh, sweep

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)
K = RepetitionKind
# The same caller each time, whatever the text.
appeal = functools.partial(received, citizen_name="赵先生")


# Three different problems at three different places, from one caller whose number is written
# three ways: the same citizen.
TOPICS = [
    ("光明小区垃圾没人清运", "光明小区3号楼"),
    ("学校门口占道经营", "育才路5号"),
    ("公园健身器材损坏", "人民公园东门"),
]
# One number however it was written down, the country code included (`core.phone.dialled`: the
# callbacks and the messages to citizens take these for one person too).
PHONES = ["139 0000 5678", "+86 139 0000 5678", "86-139-0000-5678"]


def test_a_citizen_who_calls_three_times_in_30_days_is_flagged_for_review(client, staff) -> None:
    tickets = [
        appeal(staff, START + timedelta(days=d), phone=phone, address=address, title=title)
        for d, phone, (title, address) in zip((0, 10, 20), PHONES, TOPICS, strict=True)
    ]
    assert refresh(START + timedelta(days=19)).raised == 0  # two so far
    report = refresh(START + timedelta(days=21))
    assert report.raised == 1
    [flag] = open_flags(K.CITIZEN)
    assert (flag.count, flag.window_days, flag.needs_review) == (3, 30, True)
    assert flag.label == "赵先生 139****5678" and "5678" not in flag.key  # the table holds no number
    assert flag.ticket == tickets[-1]
    assert set(flag.tickets.all()) == set(tickets)
    assert open_flags(K.PLACE) == [] and open_flags(K.ISSUE) == []
    assert all(open_repetitions_of(t) == [flag] for t in tickets)

    # Counting again changes nothing.
    assert refresh(START + timedelta(days=21)).as_dict() == {"raised": 0, "updated": 0, "cleared": 0}

    # On the board and on the ticket, with a form to review it.
    client.force_login(staff["supervisor"])
    with clock.frozen_at(START + timedelta(days=21)):
        board = client.get("/supervision/").content.decode()
        assert 'id="repetition-alerts"' in board and "1 条待人工审核" in board
        listed = client.get("/supervision/repetitions/?review=1").content.decode()
        assert f'id="repetition-{flag.pk}"' in listed and "赵先生 139****5678" in listed
        page = client.get(f"/tickets/{tickets[0].number}/").content.decode()
        assert 'id="repetitions"' in page and "同一诉求人" in page and "30 天内 3 次" in page
        assert f'action="/supervision/repetitions/{flag.pk}/review/"' in page

    # The window rolls past the first call: the flag clears.
    assert refresh(START + timedelta(days=31)).cleared == 1
    assert open_flags(K.CITIZEN) == []


def test_three_appeals_at_one_address_are_a_place(staff) -> None:
    for d, address in enumerate(("幸福路12号", "幸福路 12号", "幸福路12号")):
        appeal(staff, START + timedelta(days=d), phone=f"1370000000{d}", address=address, title=TOPICS[d][0])
    refresh(START + timedelta(days=3))
    [flag] = open_flags(K.PLACE)
    assert (flag.count, flag.label, flag.needs_review) == (3, "幸福路12号", False)
    assert open_flags(K.CITIZEN) == []


def test_a_ticket_with_two_duplicates_merged_into_it_is_one_issue_and_feeds_supervision(
    staff, departments
) -> None:
    target = appeal(staff, START, phone="13700000001", address="东门", title="小区门口路灯不亮")
    for d, phone in ((1, "13700000002"), (2, "13700000003")):
        duplicate = appeal(
            staff,
            START + timedelta(days=d),
            phone=phone,
            address=f"西门{d}",
            title=f"路灯坏了{d}",
            content="天黑",
        )
        with clock.frozen_at(START + timedelta(days=d, hours=1)):
            do_merge_ticket(duplicate, staff["dispatcher"], into_ticket_id=target.pk)
    refresh(START + timedelta(days=3))
    [flag] = open_flags(K.ISSUE)
    assert (flag.count, flag.ticket, flag.label) == (3, target, "小区门口路灯不亮")
    assert flag.tickets.count() == 3

    # Once a department handles it, the sweep opens a repetition order on the ticket the issue is about.
    sweep(START + timedelta(days=3), REPEAT_COUNT=3)
    assert not Supervision.objects.filter(reason=SupervisionReason.REPEATED).exists()
    with clock.frozen_at(START + timedelta(days=3, hours=1)):
        do_dispatch_ticket(target, staff["dispatcher"], lead_department_id=departments["water"].pk)
    sweep(START + timedelta(days=3, hours=2), REPEAT_COUNT=3)
    order = Supervision.objects.get(reason=SupervisionReason.REPEATED)
    assert order.ticket == target and order.subject == f"issue:{flag.pk}"
    assert order.department == departments["water"]
    assert "同一问题" in order.reason_text


def test_duplicates_that_search_puts_together_are_one_issue_even_unmerged(staff) -> None:
    text = "幸福路12号小区门口的路灯坏了一周，晚上很黑，请尽快修理。"
    tickets = [
        appeal(
            staff,
            START + timedelta(days=d),
            phone=f"1360000000{d}",
            address=f"幸福路{10 + d}号",
            title="路灯不亮",
            content=text,
        )
        for d in range(3)
    ]
    appeal(
        staff,
        START,
        phone="13500000000",
        address="别处",
        title="工地夜间施工噪音",
        content="凌晨两点还在打桩",
    )
    refresh(START + timedelta(days=3))
    [flag] = open_flags(K.ISSUE)
    assert set(flag.tickets.all()) == set(tickets) and flag.count == 3

    # The cluster grows; the flag is the same one, counted up.
    later = appeal(
        staff,
        START + timedelta(days=4),
        phone="13600000009",
        address="幸福路12号",
        title="路灯不亮",
        content=text,
    )
    report = refresh(START + timedelta(days=4, hours=1))
    assert report.raised == 0 and report.updated >= 1
    [same] = open_flags(K.ISSUE)
    assert same.pk == flag.pk and same.count == 4 and same.ticket == later


def test_a_review_note_holding_a_nul_is_refused_in_words(client, staff) -> None:
    """PostgreSQL cannot store a NUL: the page refuses it as the other notes are refused (422, the
    field named), and the repetition stays unreviewed."""
    for d, (title, address) in enumerate(TOPICS):
        appeal(staff, START + timedelta(days=d), phone="13900005678", address=address, title=title)
    refresh(START + timedelta(days=3))
    [flag] = open_flags(K.CITIZEN)
    client.force_login(staff["supervisor"])
    response = client.post(
        f"/supervision/repetitions/{flag.pk}/review/", {"outcome": "reasonable", "note": "问题\x00未解决"}
    )
    assert response.status_code == 422
    assert "说明：不能包含 NUL 字符" in response.content.decode()
    flag.refresh_from_db()
    assert flag.reviewed_at is None


def test_a_review_is_recorded_and_logged_and_rejects_nothing(client, staff) -> None:
    tickets = [
        appeal(staff, START + timedelta(days=d), phone="13900005678", address=address, title=title)
        for d, (title, address) in enumerate(TOPICS)
    ]
    refresh(START + timedelta(days=3))
    [flag] = open_flags(K.CITIZEN)

    with pytest.raises(Forbidden):
        do_review_repetition(flag, staff["operator"], outcome="unreasonable")
    with pytest.raises(InvalidInput, match="outcome"):
        do_review_repetition(flag, staff["supervisor"], outcome="rejected")

    client.force_login(staff["dispatcher"])
    here = f"/tickets/{tickets[-1].number}/"
    response = client.post(
        f"/supervision/repetitions/{flag.pk}/review/",
        {"outcome": "unreasonable", "note": "同一人反复来电，内容无关联", "next": here},
        follow=True,
    )
    assert response.redirect_chain == [(here, 302)]
    flag.refresh_from_db()
    assert (flag.outcome, flag.reviewed_by, flag.needs_review) == ("unreasonable", staff["dispatcher"], False)
    event = TicketEvent.objects.filter(ticket=tickets[-1], action="review_repetition").get()
    assert event.details == {
        "repetition": flag.pk,
        "kind": "citizen",
        "count": 3,
        "outcome": "unreasonable",
        "note": "同一人反复来电，内容无关联",
    }
    assert "审核结论：不合理重复诉求" in response.content.decode()  # the timeline line
    # Nothing is rejected: the tickets are where they were.
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {
        TicketStatus.NEW
    }
    with pytest.raises(ActionNotAllowed, match="已于"):
        do_review_repetition(flag, staff["supervisor"], outcome="reasonable")
    assert (
        client.post(f"/supervision/repetitions/{flag.pk}/review/", {"outcome": "reasonable"}).status_code
        == 409
    )

    client.force_login(staff["housing"])
    assert client.get("/supervision/repetitions/").status_code == 403


def test_the_api_lists_and_reviews_repetitions(staff, api_as) -> None:
    for d, (title, address) in enumerate(TOPICS):
        appeal(staff, START + timedelta(days=d), phone="13900005678", address=address, title=title)
    refresh(START + timedelta(days=3))
    supervisor = api_as(staff["supervisor"])
    body = supervisor.get("/repetitions", {"review": "true"}).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["kind"], item["count"], item["needs_review"], item["outcome"]) == ("citizen", 3, True, None)
    assert len(item["tickets"]) == 3 and "5678" in item["label"] and "0000" not in item["label"]
    assert api_as(staff["housing"]).get("/repetitions").status_code == 403

    response = api_as(staff["dispatcher"]).post(
        f"/repetitions/{item['id']}/review", {"outcome": "reasonable", "note": "问题确未解决"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["reviewed_by"]) == ("reasonable", "disp")
    assert supervisor.post(f"/repetitions/{item['id']}/review", {"outcome": "reasonable"}).status_code == 409
    assert supervisor.post("/repetitions/999999/review", {"outcome": "reasonable"}).status_code == 404
    assert supervisor.post(f"/repetitions/{item['id']}/review", {"outcome": "rejected"}).status_code == 422
