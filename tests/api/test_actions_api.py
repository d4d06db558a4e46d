"""POST /api/v1/tickets/{id}/actions/{name}: the state machine driven through the API."""

import pytest

from hotline.core.enums import Kind
from hotline.feedback.models import Callback, Reply
from hotline.tickets.models import Assignment, Ticket, TicketEvent
from hotline.tickets.transitions import ALLOWED_FROM
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _ok(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()


def _events(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))


def test_the_whole_loop_through_the_api(staff, departments, api_as):
    operator = api_as(staff["operator"])
    dispatcher = api_as(staff["dispatcher"])
    housing = api_as(staff["housing"])
    water = api_as(staff["water"])

    received = operator.post(
        "/appeals",
        {"channel": "phone", "external_id": "call-77", "title": "楼道漏水", "content": "3号楼楼道天花板漏水"},
    )
    assert received.status_code == 201
    tid = received.json()["id"]

    body = _ok(
        dispatcher.post(
            f"/tickets/{tid}/actions/dispatch",
            {
                "lead_department_id": departments["housing"].pk,
                "co_department_ids": [departments["water"].pk],
                "urgency": "urgent",
                "is_complex": True,
                "note": "请住建局牵头",
            },
        )
    )
    assert body["status"] == "dispatched"
    assert body["urgency"] == "urgent"
    assert body["is_complex"] is True
    assert [(a["department"]["code"], a["role"]) for a in body["assignments"]] == [
        ("B01", "lead"),
        ("B02", "co"),
    ]

    # The lead's sign-off moves the ticket to handling; the co's does not change its state.
    assert _ok(housing.post(f"/tickets/{tid}/actions/accept", raw=""))["status"] == "accepted"
    body = _ok(water.action(tid, "accept", {}))
    assert body["status"] == "accepted"
    assert {a["department"]["code"]: a["status"] for a in body["assignments"]} == {
        "B01": "accepted",
        "B02": "accepted",
    }

    body = _ok(water.action(tid, "answer", {"text": "已检查供水管道，无破损"}))
    assert {a["department"]["code"]: a["answer"] for a in body["assignments"]}[
        "B02"
    ] == "已检查供水管道，无破损"

    body = _ok(housing.action(tid, "reply", {"text": "已安排维修，三日内修复"}))
    assert body["status"] == "replied"
    assert [r["text"] for r in body["replies"]] == ["已安排维修，三日内修复"]
    assert body["replies"][0]["department"]["code"] == "B01"

    body = _ok(operator.action(tid, "callback", {"resolution": "unresolved", "satisfaction": "unsatisfied"}))
    assert body["status"] == "reopened"
    assert body["reopen_count"] == 1
    assert body["callbacks"][0]["reopened"] is True

    body = _ok(housing.action(tid, "reply", {"text": "已更换防水层并复查"}))
    assert body["status"] == "replied"

    body = _ok(
        operator.action(
            tid, "callback", {"resolution": "resolved", "satisfaction": "satisfied", "note": "居民表示满意"}
        )
    )
    assert body["status"] == "replied"
    assert [c["satisfaction"] for c in body["callbacks"]] == ["unsatisfied", "satisfied"]

    body = _ok(operator.post(f"/tickets/{tid}/actions/close", {"note": "办结"}))
    assert body["status"] == "closed"
    assert body["closed_at"] is not None
    assert body["allowed_actions"] == []

    ticket = Ticket.objects.get(pk=tid)
    assert ticket.status == "closed"
    assert ticket.closed_at is not None
    assert ticket.reopen_count == 1
    assert Reply.objects.filter(ticket=ticket).count() == 2
    assert list(Callback.objects.filter(ticket=ticket).values_list("reopened", flat=True)) == [True, False]
    assert _events(ticket) == [
        "receive",
        "dispatch",
        "accept",
        "accept",
        "answer",
        "reply",
        "callback",
        "reply",
        "callback",
        "close",
    ]
    assert [(e["from_status"], e["to_status"]) for e in body["events"]][-5:] == [
        ("accepted", "replied"),
        ("replied", "reopened"),
        ("reopened", "replied"),
        ("replied", "replied"),
        ("replied", "closed"),
    ]
    assert [e["actor"] for e in body["events"]] == [
        "op",
        "disp",
        "h_housing",
        "h_water",
        "h_water",
        "h_housing",
        "op",
        "h_housing",
        "op",
        "op",
    ]


def test_an_action_the_state_does_not_allow_is_409_and_changes_nothing(ticket, staff, api_as):
    response = api_as(staff["operator"]).action(ticket, "close", {})

    assert response.status_code == 409
    assert response.json() == {"detail": f"工单 {ticket.number} 当前状态为“待派单”，不能办结"}
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert _events(ticket) == ["receive"]


def test_reply_before_the_co_handler_answered_is_409(dispatched, staff, api_as):
    api_as(staff["housing"]).action(dispatched, "accept")

    response = api_as(staff["housing"]).action(dispatched, "reply", {"text": "已处理"})

    assert response.status_code == 409
    assert "水务局" in response.json()["detail"]
    assert not Reply.objects.exists()


def test_a_role_that_may_not_is_403_and_changes_nothing(ticket, staff, departments, api_as):
    response = api_as(staff["operator"]).action(
        ticket, "dispatch", {"lead_department_id": departments["housing"].pk}
    )

    assert response.status_code == 403
    assert "不能派单" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert not Assignment.objects.exists()


def test_an_unknown_action_is_404_listing_the_valid_ones(ticket, staff, api_as):
    response = api_as(staff["dispatcher"]).action(ticket, "escalate", {})

    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "escalate" in detail
    for name in ALLOWED_FROM:
        assert name in detail


def test_an_action_on_a_ticket_that_does_not_exist_is_404(staff, departments, api_as):
    response = api_as(staff["dispatcher"]).action(
        424242, "dispatch", {"lead_department_id": departments["housing"].pk}
    )

    assert response.status_code == 404
    assert "424242" in response.json()["detail"]


def test_a_return_upheld_goes_to_a_new_lead(dispatched, staff, departments, api_as):
    housing = api_as(staff["housing"])
    _ok(housing.action(dispatched, "accept"))
    body = _ok(housing.action(dispatched, "return", {"reason": "属于街道职责"}))
    assert body["status"] == "returned"
    returned = next(a for a in body["assignments"] if a["department"]["code"] == "B01")
    assert (returned["status"], returned["return_reason"]) == ("returned", "属于街道职责")

    body = _ok(
        api_as(staff["dispatcher"]).action(
            dispatched,
            "review_return",
            {"assignment_id": returned["id"], "uphold": True, "lead_department_id": departments["street"].pk},
        )
    )

    assert body["status"] == "dispatched"
    assert body["lead_department"]["code"] == "D0101"
    statuses = {(a["department"]["code"], a["role"]): a["status"] for a in body["assignments"]}
    assert statuses == {("B01", "lead"): "withdrawn", ("B02", "co"): "pending", ("D0101", "lead"): "pending"}


def test_a_return_rejected_goes_back_to_the_department(dispatched, staff, api_as):
    housing = api_as(staff["housing"])
    _ok(housing.action(dispatched, "accept"))
    assignment_id = _ok(housing.action(dispatched, "return", {"reason": "不归我管"}))["assignments"][0]["id"]

    body = _ok(
        api_as(staff["dispatcher"]).action(
            dispatched,
            "review_return",
            {"assignment_id": assignment_id, "uphold": False, "note": "属于住建职责"},
        )
    )

    assert body["status"] == "accepted"
    assert body["assignments"][0]["status"] == "accepted"
    assert body["events"][-1]["details"]["note"] == "属于住建职责"


def test_an_upheld_lead_return_without_a_new_lead_is_422_and_changes_nothing(dispatched, staff, api_as):
    housing = api_as(staff["housing"])
    assignment_id = _ok(housing.action(dispatched, "return", {"reason": "不归我管"}))["assignments"][0]["id"]

    response = api_as(staff["dispatcher"]).action(
        dispatched, "review_return", {"assignment_id": assignment_id, "uphold": True}
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith("lead_department_id:")
    assert Assignment.objects.get(pk=assignment_id).status == "returned"


def test_a_consultation_answered_on_the_spot_then_closed(staff, api_as):
    ticket = make_ticket(actor=staff["operator"], kind=Kind.CONSULTATION, title="社保卡怎么补办")
    operator = api_as(staff["operator"])

    assert (
        _ok(operator.action(ticket, "answer_on_spot", {"text": "携带身份证到社保中心办理"}))["status"]
        == "answered"
    )
    _ok(operator.action(ticket, "callback", {"resolution": "resolved", "satisfaction": "satisfied"}))
    body = _ok(operator.action(ticket, "close"))

    assert body["status"] == "closed"
    assert body["replies"][0]["department"] is None
    assert _events(ticket) == ["receive", "answer_on_spot", "callback", "close"]


def test_answer_on_spot_for_a_complaint_is_409(ticket, staff, api_as):
    response = api_as(staff["operator"]).action(ticket, "answer_on_spot", {"text": "答复"})

    assert response.status_code == 409
    assert "咨询" in response.json()["detail"]


def test_an_invalidation_needs_a_second_person(ticket, staff, api_as):
    operator = api_as(staff["operator"])
    body = _ok(operator.action(ticket, "request_invalidation", {"reason": "恶意重复来电"}))
    assert body["invalidation_requests"][0]["reason"] == "恶意重复来电"
    assert body["status"] == "new"

    same = api_as(staff["supervisor"])
    refused = operator.action(ticket, "confirm_invalidation", {"confirm": True})
    assert refused.status_code == 403  # the operator may not confirm at all
    body = _ok(same.action(ticket, "confirm_invalidation", {"confirm": True, "note": "核实为恶意"}))

    assert body["status"] == "invalid"
    assert body["invalidation_requests"][0]["confirmed"] is True
    assert body["invalidation_requests"][0]["decided_by"] == "sup"


def test_the_requester_may_not_confirm_their_own_invalidation(ticket, staff, api_as):
    supervisor = api_as(staff["supervisor"])
    _ok(supervisor.action(ticket, "request_invalidation", {"reason": "无效"}))

    response = supervisor.action(ticket, "confirm_invalidation", {"confirm": True})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_an_undecided_invalidation_lapses_when_the_ticket_is_merged(ticket, staff, api_as):
    operator = api_as(staff["operator"])
    _ok(operator.action(ticket, "request_invalidation", {"reason": "恶意重复来电"}))
    target = make_ticket(actor=staff["operator"], title="同一路灯")

    body = _ok(api_as(staff["dispatcher"]).action(ticket, "merge", {"into_ticket_id": target.pk}))

    (request,) = body["invalidation_requests"]
    assert (request["confirmed"], request["decided_by"]) == (None, None)
    assert request["lapsed_at"] is not None  # no longer waiting for anyone
    assert "confirm_invalidation" not in body["allowed_actions"]


def test_a_lapsed_invalidation_cannot_be_confirmed_after_a_reopen(staff, api_as):
    ticket = make_ticket(actor=staff["operator"], kind=Kind.CONSULTATION, title="社保卡怎么补办")
    operator = api_as(staff["operator"])
    _ok(operator.action(ticket, "request_invalidation", {"reason": "恶意重复来电"}))
    _ok(operator.action(ticket, "answer_on_spot", {"text": "携带身份证到社保中心办理"}))
    body = _ok(
        operator.action(ticket, "callback", {"resolution": "unresolved", "satisfaction": "unsatisfied"})
    )
    assert body["status"] == "new"  # back to dispatch, where invalidation is possible again

    response = api_as(staff["supervisor"]).action(ticket, "confirm_invalidation", {"confirm": True})

    assert response.status_code == 409
    assert _ok(operator.action(ticket, "request_invalidation", {"reason": "再次恶意来电"}))["status"] == "new"


def test_merge_into_another_ticket(ticket, staff, api_as):
    target = make_ticket(actor=staff["operator"], title="同一路灯")

    body = _ok(
        api_as(staff["dispatcher"]).action(ticket, "merge", {"into_ticket_id": target.pk, "note": "重复"})
    )

    assert body["status"] == "merged"
    assert body["merged_into"] == {"id": target.pk, "number": target.number}
    ticket.refresh_from_db()
    assert ticket.merged_into == target


def test_merge_into_a_ticket_that_does_not_exist_is_422(ticket, staff, api_as):
    response = api_as(staff["dispatcher"]).action(ticket, "merge", {"into_ticket_id": 999999})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("into_ticket_id:")


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("dispatch", {"lead_department_id": 999999}, "lead_department_id"),
        ("dispatch", {"lead_department_id": "housing"}, "lead_department_id"),
        ("dispatch", {}, "lead_department_id"),
        ("dispatch", {"lead_department_id": 1, "kind": "rant"}, "kind"),
        ("dispatch", {"lead_department_id": 1, "co_department_ids": "2"}, "co_department_ids"),
        ("dispatch", {"lead_department_id": 1, "lead": 2}, "lead"),
        ("return", {"reason": "  "}, "reason"),
        ("answer", {}, "text"),
        ("reply", {"text": ""}, "text"),
        ("request_invalidation", {"reason": "x" * 10_001}, "reason"),
        ("confirm_invalidation", {"confirm": "perhaps"}, "confirm"),
        ("callback", {"resolution": "resolved", "satisfaction": "thrilled"}, "satisfaction"),
        ("callback", {"satisfaction": "satisfied"}, "resolution"),
        ("merge", {"into_ticket_id": -3}, "into_ticket_id"),
        ("review_return", {"uphold": True}, "assignment_id"),
        ("accept", {"assignment_id": "first"}, "assignment_id"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(ticket, staff, departments, api_as, name, body, field):
    if body.get("lead_department_id") == 1:
        body = body | {"lead_department_id": departments["housing"].pk}

    response = api_as(staff["admin"]).action(ticket, name, body)

    assert response.status_code == 422, response.json()
    assert response.json()["detail"].startswith(f"{field}:")
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert _events(ticket) == ["receive"]


@pytest.mark.parametrize("raw", ["{", "dispatch please", '{"lead_department_id": }'])
def test_a_malformed_action_body_is_400(ticket, staff, api_as, raw):
    response = api_as(staff["dispatcher"]).post(f"/tickets/{ticket.pk}/actions/dispatch", raw=raw)

    assert response.status_code == 400
    assert response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_a_missing_body_where_one_is_needed_is_422(ticket, staff, api_as):
    response = api_as(staff["dispatcher"]).post(f"/tickets/{ticket.pk}/actions/dispatch", raw="")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("body:")
