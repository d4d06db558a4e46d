"""Deadlines through the API: policies at dispatch, the callback deadline at reply, re-dispatch after an
upheld return (time lost), suspension (挂起), extension (延期) and their refusals."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from hotline.core import clock
from hotline.core.enums import DelayCause, DepartmentLevel, EventType, Urgency
from hotline.sla.models import CalendarOverride, DeadlinePolicy, TimeLost
from hotline.tickets.models import Assignment, TicketEvent
from tests.factories import CategoryFactory, make_ticket

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY)  # type: ignore[misc]


def iso(*args: int) -> str:
    return at(*args).isoformat()


@contextmanager
def moment(*args: int) -> Iterator[None]:
    with clock.frozen_at(at(*args)):
        yield


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.json()
    return response.json()


def refused(response: Any, status: int, text: str = "") -> None:
    assert response.status_code == status, response.json()
    assert text in response.json()["detail"]


def by_dept(body: dict[str, Any], status: str | None = None) -> dict[str, dict[str, Any]]:
    return {
        a["department"]["code"]: a for a in body["assignments"] if status is None or a["status"] == status
    }


@pytest.fixture
def clients(staff, api_as):
    return {key: api_as(user) for key, user in staff.items()}


@pytest.fixture
def new_ticket(staff):
    def make(**kwargs: Any) -> int:
        return make_ticket(actor=staff["operator"], **kwargs).pk

    return make


def dispatch(clients, departments, tid: int, lead: str = "housing", co: tuple[str, ...] = (), **more: Any):
    body = {
        "lead_department_id": departments[lead].pk,
        "co_department_ids": [departments[c].pk for c in co],
        **more,
    }
    return ok(clients["dispatcher"].action(tid, "dispatch", body))


# --- deadlines at dispatch ---------------------------------------------------------------------------


def test_each_assignment_gets_its_own_deadlines_from_the_policies(clients, departments, new_ticket):
    DeadlinePolicy.objects.create(
        name="街道承办", department_level=DepartmentLevel.STREET, handling_workdays=5, sign_working_hours=4
    )
    tid = new_ticket()
    with moment(2025, 6, 10, 9, 30):  # a Tuesday
        body = dispatch(clients, departments, tid, "housing", ("street",))
    lead, co = by_dept(body)["B01"], by_dept(body)["D0101"]
    # The city bureau: settings' defaults (3 working days, sign-off in 2 working hours, no response deadline).
    assert (lead["due_at"], lead["sign_due_at"], lead["response_due_at"]) == (
        iso(2025, 6, 13, 9, 30),
        iso(2025, 6, 10, 11, 30),
        None,
    )
    assert lead["original_due_at"] == lead["due_at"]
    # The street office: its level's policy.
    assert (co["due_at"], co["sign_due_at"]) == (iso(2025, 6, 17, 9, 30), iso(2025, 6, 10, 15, 0))
    assert body["due_at"] == lead["due_at"]
    event = TicketEvent.objects.get(ticket_id=tid, action="dispatch")
    assert event.details["due_at"] == lead["due_at"]
    assert "deadline_assumed" not in event.details


def test_urgent_and_complex_tickets(clients, departments, new_ticket):
    lamps = CategoryFactory(name="路灯")
    DeadlinePolicy.objects.create(
        name="紧急路灯", category=lamps, urgency=Urgency.URGENT, response_minutes=15
    )
    with moment(2025, 9, 30, 16, 0):  # the eve of National Day 2025
        plain = by_dept(dispatch(clients, departments, new_ticket(), urgency="urgent"))["B01"]
        lamp = by_dept(
            dispatch(
                clients, departments, new_ticket(), urgency="urgent", category_id=lamps.pk, is_complex=True
            )
        )["B01"]
    assert plain["response_due_at"] == iso(2025, 9, 30, 16, 30)  # 30 natural minutes by default
    # Signing is the first response: not after the eight days off, but within the 30 minutes.
    assert plain["sign_due_at"] == iso(2025, 9, 30, 16, 30)
    assert plain["due_at"] == iso(2025, 10, 11, 16, 0)  # the make-up Saturday
    assert lamp["response_due_at"] == iso(2025, 9, 30, 16, 15)
    assert lamp["due_at"] == iso(2025, 10, 14, 16, 0)  # complex: 5 working days


def test_a_local_holiday_of_the_jurisdiction(clients, departments, new_ticket):
    CalendarOverride.objects.create(
        department=departments["district"], day=date(2025, 6, 11), is_workday=False, reason="地方节日"
    )
    with moment(2025, 6, 10, 9, 30):
        body = dispatch(clients, departments, new_ticket(), "housing", ("street",))
    assert by_dept(body)["B01"]["due_at"] == iso(2025, 6, 13, 9, 30)
    assert by_dept(body)["D0101"]["due_at"] == iso(2025, 6, 16, 9, 30)  # the street is in the district


def test_a_deadline_in_an_unknown_year_is_recorded_as_assumed(clients, departments, new_ticket):
    tid = new_ticket()
    with moment(2026, 12, 30, 10, 0):
        body = dispatch(clients, departments, tid)
    lead = by_dept(body)["B01"]
    assert lead["deadline_assumed"] is True
    assert lead["due_at"] == iso(2027, 1, 4, 10, 0)  # 12-31, then 2027-01-01 and 01-04 by the weekday rule
    assert TicketEvent.objects.get(ticket_id=tid, action="dispatch").details["deadline_assumed"] is True
    assert Assignment.objects.filter(ticket_id=tid, deadline_assumed=True).count() == 1


def test_the_reply_sets_the_callback_deadline(clients, departments, new_ticket):
    DeadlinePolicy.objects.create(name="回访", callback_workdays=1)
    tid = new_ticket()
    with moment(2025, 9, 29, 9, 0):
        dispatch(clients, departments, tid)
        ok(clients["housing"].action(tid, "accept"))
    with moment(2025, 9, 30, 15, 0):
        body = ok(clients["housing"].action(tid, "reply", {"text": "已修复"}))
    assert body["callback_due_at"] == iso(2025, 10, 9, 15, 0)
    assert TicketEvent.objects.get(ticket_id=tid, action="reply").details["callback_due_at"] == iso(
        2025, 10, 9, 15, 0
    )


# --- re-dispatch after an upheld return ----------------------------------------------------------------


@pytest.mark.parametrize("wrong_dispatch", [False, True])
def test_redispatch_restarts_the_deadlines_and_records_the_time_lost(
    clients, departments, new_ticket, staff, wrong_dispatch
):
    tid = new_ticket()
    with moment(2025, 6, 10, 9, 30):
        dispatch(clients, departments, tid, "housing")
    with moment(2025, 6, 11, 10, 0):
        ok(clients["housing"].action(tid, "return", {"reason": "不属于本单位职责"}))
    returned = Assignment.objects.get(ticket_id=tid, department=departments["housing"])
    with moment(2025, 6, 12, 10, 0):
        body = ok(
            clients["dispatcher"].action(
                tid,
                "review_return",
                {
                    "assignment_id": returned.pk,
                    "uphold": True,
                    "lead_department_id": departments["street"].pk,
                    "wrong_dispatch": wrong_dispatch,
                },
            )
        )
    new = by_dept(body)["D0101"]
    assert new["dispatched_at"] == iso(2025, 6, 12, 10, 0)
    assert new["due_at"] == iso(2025, 6, 17, 10, 0)  # three working days from the re-dispatch
    assert new["sign_due_at"] == iso(2025, 6, 12, 12, 0)
    working = 6.5 + 7 + 1  # 06-10 from 09:30, 06-11, 06-12 until 10:00
    assert body["time_lost"] == [
        {
            "assignment_id": returned.pk,
            "cause": "dispatch" if wrong_dispatch else "department",
            "department": None
            if wrong_dispatch
            else {"id": departments["housing"].pk, "code": "B01", "name": "住建局"},
            "dispatcher": "disp" if wrong_dispatch else None,
            "started_at": iso(2025, 6, 10, 9, 30),
            "ended_at": iso(2025, 6, 12, 10, 0),
            "elapsed_seconds": int(timedelta(days=2, minutes=30).total_seconds()),
            "working_seconds": int(working * 3600),
        }
    ]
    # Queryable: the time each department (or dispatcher) cost the city.
    mine = TimeLost.objects.filter(cause=DelayCause.DEPARTMENT, department=departments["housing"])
    theirs = TimeLost.objects.filter(cause=DelayCause.DISPATCH, dispatcher=staff["dispatcher"])
    found = theirs if wrong_dispatch else mine
    assert found.aggregate(total=Sum("working_time"))["total"] == timedelta(hours=working)
    assert (mine if wrong_dispatch else theirs).count() == 0
    event = TicketEvent.objects.get(ticket_id=tid, action="review_return")
    assert event.details["time_lost"]["working_seconds"] == int(working * 3600)


def test_a_rejected_return_loses_no_time(clients, departments, new_ticket):
    tid = new_ticket()
    dispatch(clients, departments, tid, "housing")
    ok(clients["housing"].action(tid, "return", {"reason": "不属于本单位职责"}))
    returned = Assignment.objects.get(ticket_id=tid)
    body = ok(
        clients["dispatcher"].action(
            tid, "review_return", {"assignment_id": returned.pk, "uphold": False, "note": "属于本单位职责"}
        )
    )
    assert body["time_lost"] == []


# --- suspension ---------------------------------------------------------------------------------------


def test_suspend_and_resume_move_the_deadline(clients, departments, new_ticket):
    tid = new_ticket()
    with moment(2025, 6, 10, 9, 30):
        dispatch(clients, departments, tid)
        ok(clients["housing"].action(tid, "accept"))
    with moment(2025, 6, 11, 9, 0):
        body = ok(
            clients["housing"].action(
                tid, "suspend", {"reason": "citizen_unreachable", "note": "电话三次未接通"}
            )
        )
    lead = by_dept(body)["B01"]
    assert lead["paused_since"] == iso(2025, 6, 11, 9, 0)
    assert {"resume", "request_extension"} <= set(body["allowed_actions"])
    assert body["suspensions"][0]["reason"] == "citizen_unreachable"
    assert body["suspensions"][0]["ended_at"] is None
    # While the clock stands still the department cannot answer, return or ask for more time.
    refused(clients["housing"].action(tid, "reply", {"text": "已修复"}), 409, "挂起")
    refused(clients["housing"].action(tid, "return", {"reason": "不归我管"}), 409, "挂起")
    refused(
        clients["housing"].action(
            tid, "request_extension", {"reason": "等材料", "requested_due_at": iso(2025, 6, 30, 17, 0)}
        ),
        409,
        "挂起",
    )
    refused(clients["housing"].action(tid, "suspend", {"reason": "awaiting_material"}), 409)
    with moment(2025, 6, 12, 9, 0):  # one whole working day later
        body = ok(clients["housing"].action(tid, "resume"))
    lead = by_dept(body)["B01"]
    assert lead["paused_since"] is None
    assert lead["due_at"] == iso(2025, 6, 16, 9, 30)  # Friday 09:30 + 7 working hours = Monday 09:30
    assert lead["original_due_at"] == iso(2025, 6, 13, 9, 30)
    assert body["suspensions"][0]["paused_seconds"] == 7 * 3600
    assert body["suspensions"][0]["ended_by"] == "h_housing"
    event = TicketEvent.objects.filter(ticket_id=tid, action="resume").get()
    assert (event.details["paused_seconds"], event.details["due_at"]) == (7 * 3600, iso(2025, 6, 16, 9, 30))
    refused(clients["housing"].action(tid, "resume"), 409)  # nothing suspended any more


def test_merging_ends_the_suspension_of_a_withdrawn_assignment(clients, departments, new_ticket):
    tid, other = new_ticket(), new_ticket()
    with moment(2025, 6, 10, 9, 30):
        dispatch(clients, departments, tid)
        ok(clients["housing"].action(tid, "accept"))
    with moment(2025, 6, 11, 9, 0):
        ok(clients["housing"].action(tid, "suspend", {"reason": "citizen_unreachable"}))
    with moment(2025, 6, 11, 14, 0):
        body = ok(clients["dispatcher"].action(tid, "merge", {"into_ticket_id": other}))
    lead = by_dept(body)["B01"]
    assert (lead["status"], lead["paused_since"]) == ("withdrawn", None)
    assert body["suspensions"][0]["ended_at"] == iso(2025, 6, 11, 14, 0)
    assert body["suspensions"][0]["ended_by"] == "disp"
    assert body["suspensions"][0]["paused_seconds"] == 3 * 3600 + 30 * 60  # 09:00-12:00, 13:30-14:00


def test_dispatch_may_restart_a_clock(clients, departments, new_ticket):
    tid = new_ticket()
    dispatch(clients, departments, tid)
    ok(clients["housing"].action(tid, "accept"))
    ok(clients["housing"].action(tid, "suspend", {"reason": "awaiting_material", "note": "待补充产权证明"}))
    body = ok(clients["dispatcher"].action(tid, "resume", {"note": "诉求人已补充材料"}))
    assert by_dept(body)["B01"]["paused_since"] is None


# --- extension ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False])
def test_extension_request_and_decision(clients, departments, new_ticket, approve):
    tid = new_ticket()
    with moment(2025, 6, 10, 9, 30):
        dispatch(clients, departments, tid)
        ok(clients["housing"].action(tid, "accept"))
    with moment(2025, 6, 12, 15, 0):
        body = ok(
            clients["housing"].action(
                tid,
                "request_extension",
                # Without an offset: the city's local time.
                {"reason": "需协调供电部门停电施工", "requested_due_at": "2025-06-20T17:00:00"},
            )
        )
    assert body["extensions"][0]["requested_due_at"] == iso(2025, 6, 20, 17, 0)
    assert body["extensions"][0]["approved"] is None
    assert "review_extension" not in body["allowed_actions"]  # a department does not decide
    assert "review_extension" in ok(clients["supervisor"].get(f"/tickets/{tid}"))["allowed_actions"]
    refused(
        clients["housing"].action(
            tid, "request_extension", {"reason": "再延", "requested_due_at": iso(2025, 6, 27, 17, 0)}
        ),
        409,
        "待审批",
    )
    with moment(2025, 6, 12, 16, 0):
        body = ok(clients["supervisor"].action(tid, "review_extension", {"approve": approve, "note": "同意"}))
    lead = by_dept(body)["B01"]
    assert lead["original_due_at"] == iso(2025, 6, 13, 9, 30)
    assert lead["due_at"] == (iso(2025, 6, 20, 17, 0) if approve else iso(2025, 6, 13, 9, 30))
    assert body["due_at"] == lead["due_at"]
    assert body["extensions"][0]["approved"] is approve
    assert body["extensions"][0]["decided_by"] == "sup"
    assert [e["action"] for e in body["events"] if "extension" in e["action"]] == [
        "request_extension",
        "review_extension",
    ]
    refused(clients["dispatcher"].action(tid, "review_extension", {"approve": True}), 409, "没有待审批")


def test_extension_must_be_later_than_the_deadline(clients, departments, new_ticket):
    tid = new_ticket()
    with moment(2025, 6, 10, 9, 30):
        dispatch(clients, departments, tid)
        ok(clients["housing"].action(tid, "accept"))
        response = clients["housing"].action(
            tid, "request_extension", {"reason": "需要时间", "requested_due_at": iso(2025, 6, 12, 17, 0)}
        )
    refused(response, 422, "requested_due_at")


# --- refusals: roles, states, fields -----------------------------------------------------------------


def test_roles_are_refused(clients, departments, new_ticket):
    tid = new_ticket()
    dispatch(clients, departments, tid)
    ok(clients["housing"].action(tid, "accept"))
    refused(clients["dispatcher"].action(tid, "suspend", {"reason": "citizen_unreachable"}), 403, "不能挂起")
    refused(clients["operator"].action(tid, "resume"), 403, "不能恢复计时")
    refused(
        clients["supervisor"].action(
            tid, "request_extension", {"reason": "x", "requested_due_at": iso(2025, 7, 1, 17, 0)}
        ),
        403,
        "不能延期申请",
    )
    refused(clients["housing"].action(tid, "review_extension", {"approve": True}), 403, "不能延期审批")
    # A department not on the ticket does not see it at all.
    refused(clients["water"].action(tid, "suspend", {"reason": "citizen_unreachable"}), 404)


@pytest.mark.parametrize("action", ["suspend", "resume", "request_extension", "review_extension"])
def test_states_are_refused(clients, departments, new_ticket, action):
    tid = new_ticket()
    dispatch(clients, departments, tid)
    ok(clients["housing"].action(tid, "accept"))
    ok(clients["housing"].action(tid, "reply", {"text": "已修复"}))  # replied: the clock has stopped for good
    body = {
        "suspend": {"reason": "citizen_unreachable"},
        "resume": {},
        "request_extension": {"reason": "x", "requested_due_at": iso(2030, 1, 1)},
        "review_extension": {"approve": True},
    }[action]
    who = "dispatcher" if action in {"resume", "review_extension"} else "housing"
    refused(clients[who].action(tid, action, body), 409, f"不能{EventType(action).label}")
    assert action not in ok(clients[who].get(f"/tickets/{tid}"))["allowed_actions"]


def test_fields_are_checked(clients, departments, new_ticket):
    tid = new_ticket()
    dispatch(clients, departments, tid)
    ok(clients["housing"].action(tid, "accept"))
    refused(clients["housing"].action(tid, "suspend", {"reason": "on_holiday"}), 422)
    refused(clients["housing"].action(tid, "suspend", {"reason": "other"}), 422, "note")
    refused(clients["housing"].action(tid, "request_extension", {"reason": "x"}), 422)
    refused(
        clients["housing"].action(tid, "request_extension", {"reason": "x", "requested_due_at": "soon"}), 422
    )
    refused(clients["supervisor"].action(tid, "review_extension", {"approve": "perhaps"}), 422)


def test_a_signed_assignment_is_needed(clients, departments, new_ticket):
    tid = new_ticket()
    dispatch(clients, departments, tid)  # housing has not signed yet
    refused(clients["housing"].action(tid, "suspend", {"reason": "citizen_unreachable"}), 409)
    refused(
        clients["housing"].action(
            tid, "request_extension", {"reason": "x", "requested_due_at": iso(2030, 1, 1)}
        ),
        409,
    )
