"""A ticket's answer goes to every appellant, merged duplicates' included: what each of them reads.

张女士 calls at 11:19 about a missing manhole cover; 李先生 calls about the same at 11:21, his
ticket is sent to 住建局 (he is told so by SMS), then merged into hers, which 水务局 handles. The
reply must not greet him by her name (the template's {诉求人}, the SMS, the portal's progress page;
the check before sending warns of a name typed by the handler), a reply sent back to its unit
(退回重答) is not shown as the answer, and his progress page starts with his own call and says
what he was told before the merge."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from hotline.citizen_messages.models import CitizenMessage
from hotline.core import clock
from hotline.core.enums import CitizenMessageKind
from hotline.feedback import actions as feedback_actions
from hotline.knowledge.models import ReplyTemplate
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HERS, HIS = "13800001111", "13900002222"
HTMX = {"HTTP_HX_REQUEST": "true"}
TEMPLATE = "{诉求人}您好！您反映的“{诉求标题}”问题已收悉。经{承办单位}核查，井盖已补装。"


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def merged(staff, departments) -> dict[str, Ticket]:
    """Her ticket, sent to 水务局 and signed; his, sent to 住建局 and then merged into hers."""
    with clock.frozen_at(at(11, 19)):
        hers = make_ticket(
            actor=staff["operator"], phone=HERS, citizen_name="张女士", title="井盖丢失", address="幸福路12号"
        )
    with clock.frozen_at(at(11, 21)):
        his = make_ticket(actor=staff["operator"], phone=HIS, citizen_name="李先生", title="路口井盖没了")
    with clock.frozen_at(at(11, 25)):
        actions.do_dispatch_ticket(his, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    with clock.frozen_at(at(11, 30)):
        hers = actions.do_dispatch_ticket(
            hers, staff["dispatcher"], lead_department_id=departments["water"].pk
        )
    with clock.frozen_at(at(11, 40)):
        his.refresh_from_db()
        actions.do_merge_ticket(his, staff["dispatcher"], into_ticket_id=hers.pk, note="同一井盖")
    with clock.frozen_at(at(11, 45)):
        hers.refresh_from_db()
        hers = actions.do_accept_assignment(hers, staff["water"])
    his.refresh_from_db()
    return {"hers": hers, "his": his}


def reply(ticket: Ticket, staff: dict[str, Any], text: str, when: datetime) -> Ticket:
    with clock.frozen_at(when):
        ticket.refresh_from_db()
        return feedback_actions.do_reply_ticket(ticket, staff["water"], text=text)


def track(client: Client, number: str, phone: str) -> str:
    response = client.post("/portal/track/", {"number": number, "last4": phone[-4:]})
    assert response.status_code == 200
    return response.content.decode()


def sms_to(phone: str) -> list[str]:
    return list(
        CitizenMessage.objects.filter(kind=CitizenMessageKind.REPLIED, to=phone)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def section(page: str, heading: str) -> str:
    """The text of the card under `heading`, tags taken out."""
    found = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)</section>", page, re.S)
    assert found, heading
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


# --- whom the reply greets -------------------------------------------------------------------------


def test_a_template_greets_no_one_by_name_when_the_reply_goes_to_several(client, staff, merged) -> None:
    ReplyTemplate.objects.create(name="井盖", text=TEMPLATE)
    hers = merged["hers"]
    client.force_login(staff["water"])
    fragment = client.get(f"/tickets/{hers.number}/reply-templates/").content.decode()
    assert "市民您好！" in fragment and "张女士" not in fragment

    # Filled as the picker fills it, sent: neither citizen reads the other's name.
    text = re.search(r"(市民您好！[^<\"]*)", fragment)
    assert text
    reply(hers, staff, text.group(1), at(14, 0))
    (his_sms,) = sms_to(HIS)
    assert "市民您好！" in his_sms and "张女士" not in his_sms
    assert "张女士" not in track(client, merged["his"].number, HIS)


def test_a_template_still_greets_the_one_appellant_by_name(client, staff, departments) -> None:
    ReplyTemplate.objects.create(name="井盖", text=TEMPLATE)
    ticket = make_ticket(actor=staff["operator"], phone=HERS, citizen_name="张女士")
    # Her second call, merged into her ticket: still one person.
    again = make_ticket(actor=staff["operator"], phone=f"+86 {HERS}", citizen_name="张女士", title="再次来电")
    actions.do_merge_ticket(again, staff["dispatcher"], into_ticket_id=ticket.pk)
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["water"].pk)
    client.force_login(staff["water"])
    fragment = client.get(f"/tickets/{ticket.number}/reply-templates/").content.decode()
    assert "张女士您好！" in fragment


def test_a_name_typed_by_the_handler_is_warned_of_before_sending(client, staff, merged) -> None:
    client.force_login(staff["water"])
    draft = "张女士您好！您反映的井盖丢失问题，经水务局核查，已于12月7日补装井盖。如有疑问请致电12345。"
    body = client.post(f"/tickets/{merged['hers'].number}/reply-check/", {"text": draft}, **HTMX)
    text = body.content.decode()
    assert "答复称呼了“张女士”，但将发给 2 位诉求人" in text
    neutral = draft.replace("张女士", "市民")
    body = client.post(f"/tickets/{merged['hers'].number}/reply-check/", {"text": neutral}, **HTMX)
    assert "将发给" not in body.content.decode()


def test_each_appellant_reads_the_reply_addressed_to_them(client, staff, merged) -> None:
    """A reply already sent with one citizen's name: the other appellant's SMS and progress page
    greet them as 市民 and never show her name; hers are as written."""
    reply(merged["hers"], staff, "张女士您好！您反映的井盖丢失问题已处理，井盖已补装。", at(14, 0))
    (his_sms,) = sms_to(HIS)
    assert "张女士" not in his_sms and "市民您好！" in his_sms
    (her_sms,) = sms_to(HERS)
    assert "张女士您好！" in her_sms
    his_page = track(client, merged["his"].number, HIS)
    assert "张女士" not in his_page and "市民您好！您反映的井盖丢失问题已处理" in his_page
    assert "张女士您好！您反映的井盖丢失问题已处理" in track(client, merged["hers"].number, HERS)


# --- a reply sent back -----------------------------------------------------------------------------

FIRST = "市民您好！经核查，将于12月7日安装防盗井盖。"
SECOND = "市民您好！经核查，已于12月8日补装普通井盖，防盗井盖已申报采购。"


def test_a_reply_sent_back_is_not_shown_as_the_answer(client, staff, merged) -> None:
    hers = reply(merged["hers"], staff, FIRST, at(14, 0))
    with clock.frozen_at(at(15, 0)):
        first = hers.replies.get()
        feedback_actions.do_return_reply(hers, staff["supervisor"], reason="承诺未兑现", reply_id=first.pk)

    # Sent back, not answered again yet: the page says so, and the first reply is marked.
    page = track(client, hers.number, HERS)
    answers = section(page, "答复")
    assert "已更正" in answers and "以最新答复为准" not in answers
    assert "正在重新办理" in page
    steps = section(page, "办理过程")
    assert "答复需补充完善，由 水务局 重新办理" in steps and "承诺未兑现" not in page

    reply(hers, staff, SECOND, at(16, 0))
    for number, phone in ((hers.number, HERS), (merged["his"].number, HIS)):
        page = track(client, number, phone)
        answers = section(page, "答复")
        # The answer is the new one, first; the one sent back comes after it, marked.
        assert answers.index(SECOND) < answers.index("已更正") < answers.index(FIRST)
        assert "以最新答复为准" in answers
        assert '<details class="superseded"' in page
        steps = section(page, "办理过程")
        assert steps.count("水务局 已答复") == 1 and "水务局 已重新答复" in steps
        assert steps.index("水务局 已答复") < steps.index("重新办理") < steps.index("已重新答复")


# --- the merged caller's own progress --------------------------------------------------------------


def test_the_merged_callers_timeline_starts_with_his_own_call(client, staff, merged) -> None:
    reply(merged["hers"], staff, FIRST, at(14, 0))
    steps = section(track(client, merged["his"].number, HIS), "办理过程")
    assert steps.startswith(" 2026-12-07 11:21 诉求已受理"), steps
    assert "11:19" not in steps  # her call
    # What he was told before the merge, then whom the merge handed his appeal to.
    assert "11:25 已转交 住建局 办理" in steps
    assert "11:40 已与反映同一问题的诉求合并，由 水务局 办理" in steps
    assert (
        steps.index("住建局")
        < steps.index("合并")
        < steps.index("水务局 已签收")
        < steps.index("水务局 已答复")
    )
    assert "11:30" not in steps  # her ticket's dispatch, before he joined: told by the merge step

    # Hers is as it was: her call first, his merge not named as hers.
    steps = section(track(client, merged["hers"].number, HERS), "办理过程")
    assert steps.startswith(" 2026-12-07 11:19 诉求已受理"), steps
    assert "住建局" not in steps
