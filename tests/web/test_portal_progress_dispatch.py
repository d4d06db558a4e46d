"""The citizen's progress (查询进度) and the grid worker's page of a report tell where the ticket
was passed (已转交 X 办理, with its co-handling units: 协办) before any unit signs for it, and again
when a return or a recall sends it elsewhere; no staff name or internal note comes with it."""

import re
from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.web.test_grid_worker_reports import reported

pytestmark = pytest.mark.django_db

PHONE = "13812341234"
NOTE = "内部备注：请优先处理"


def steps_of(page: str) -> list[str]:
    """The timeline's steps, in order, as a person reads them."""
    timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in timeline.split("<li>")[1:]]


def track(client, ticket: Ticket) -> list[str]:
    response = client.post("/portal/track/", {"number": ticket.number, "last4": PHONE[-4:]})
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTE not in page
    return steps_of(page)


def texts(steps: list[str]) -> list[str]:
    return [s.split(" ", 2)[2] for s in steps]  # without the date and time


def test_the_dispatch_comes_before_the_signing(client, staff, departments):
    ticket = make_ticket(actor=staff["operator"], phone=PHONE)
    actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk, note=NOTE
    )
    actions.do_accept_assignment(ticket, staff["housing"])
    assert texts(track(client, ticket)) == ["诉求已受理", "已转交 住建局 办理", "住建局 已签收"]


def test_a_co_handling_unit_that_signs_was_named_at_the_dispatch(client, staff, departments):
    ticket = make_ticket(actor=staff["operator"], phone=PHONE)
    actions.do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
        note=NOTE,
    )
    actions.do_accept_assignment(ticket, staff["water"])
    steps = texts(track(client, ticket))
    assert steps == ["诉求已受理", "已转交 住建局 办理，水务局 协办", "水务局 已签收"]


def test_a_return_and_its_new_unit_are_told_before_the_new_signing(client, staff, departments):
    ticket = make_ticket(actor=staff["operator"], phone=PHONE)
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    ticket = actions.do_return_assignment(ticket, staff["housing"], reason="不属于本单位职责")
    returned = ticket.assignments.get(department=departments["housing"])
    actions.do_review_return(
        ticket,
        staff["dispatcher"],
        assignment_id=returned.pk,
        uphold=True,
        lead_department_id=departments["water"].pk,
        co_department_ids=[departments["street"].pk],
        note=NOTE,
    )
    actions.do_accept_assignment(ticket, staff["street"])
    actions.do_accept_assignment(ticket, staff["water"])
    steps = texts(track(client, ticket))
    assert steps == [
        "诉求已受理",
        "已转交 住建局 办理",
        "已改派 水务局 办理，和平街道 协办",
        "和平街道 已签收",
        "水务局 已签收",
    ]


def test_a_recalled_dispatch_sent_again_is_told_again(client, staff, departments):
    ticket = make_ticket(actor=staff["operator"], phone=PHONE)
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    actions.do_recall_dispatch(ticket, staff["dispatcher"], reason=NOTE)
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["water"].pk)
    actions.do_accept_assignment(ticket, staff["water"])
    steps = texts(track(client, ticket))
    assert steps[-2:] == ["已转交 水务局 办理", "水务局 已签收"]


def test_a_duplicate_merged_before_the_dispatch_is_told_the_dispatch(client, staff, departments):
    joined = make_ticket(actor=staff["operator"], phone="13700001111", title="路灯又坏了")
    own = make_ticket(actor=staff["operator"], phone=PHONE)
    with clock.frozen_at(clock.now() + timedelta(minutes=1)):
        actions.do_merge_ticket(own, staff["dispatcher"], into_ticket_id=joined.pk, note=NOTE)
    with clock.frozen_at(clock.now() + timedelta(minutes=2)):
        actions.do_dispatch_ticket(joined, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    with clock.frozen_at(clock.now() + timedelta(minutes=3)):
        actions.do_accept_assignment(joined, staff["housing"])
    steps = texts(track(client, own))
    assert steps[-2:] == ["已转交 住建局 办理", "住建局 已签收"]


def test_a_duplicate_merged_after_the_dispatch_is_told_every_unit_on_it(client, staff, departments):
    """The merge step says who handles the ticket joined: its lead and its co-handling units, as the
    dispatch step of the joined ticket's own caller says them."""
    joined = make_ticket(actor=staff["operator"], phone="13700001111", title="路灯又坏了")
    actions.do_dispatch_ticket(
        joined,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    own = make_ticket(actor=staff["operator"], phone=PHONE)
    with clock.frozen_at(clock.now() + timedelta(minutes=1)):
        actions.do_merge_ticket(own, staff["dispatcher"], into_ticket_id=joined.pk, note=NOTE)
    with clock.frozen_at(clock.now() + timedelta(minutes=2)):
        actions.do_accept_assignment(joined, staff["water"])
    steps = texts(track(client, own))
    assert steps[-2:] == ["已与反映同一问题的诉求合并，由 住建局 办理，水务局 协办", "水务局 已签收"]


def test_the_grid_workers_page_tells_the_dispatch_too(signed_in, grid_worker, staff, departments):
    ticket = reported(grid_worker)
    actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["street"].pk, note=NOTE
    )
    actions.do_accept_assignment(ticket, staff["street"])
    page = signed_in.get(f"/tickets/{ticket.number}/").content.decode()
    assert NOTE not in page
    assert texts(steps_of(page))[-2:] == ["已转交 和平街道 办理", "和平街道 已签收"]
