"""Messages to citizens (告知): the acceptance on intake through every channel and the reply to every
appellant of a merged ticket (the dispatch: test_dispatch_messages.py), stored with the change and
sent by the worker — by mail to a letter writer (threaded: the citizen's answer joins the ticket),
by SMS to a mobile number, to nobody when anonymous; never for an import of history; retried
without sending twice."""

import email
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import translation

from hotline.accounts.models import ApiToken
from hotline.citizen_messages.actions import LEASE, _claim, do_resend, do_send, send_due
from hotline.citizen_messages.models import CitizenMessage, CitizenMessageLog
from hotline.citizen_messages.outbox import mobile_number
from hotline.citizen_messages.senders import Outcome, check_senders
from hotline.citizen_messages.tasks import send_citizen_messages
from hotline.core.enums import (
    Channel,
    CitizenMedium,
    CitizenMessageAction,
    CitizenMessageKind,
    CitizenMessageState,
)
from hotline.core.errors import ActionNotAllowed, Forbidden
from hotline.intake.actions import AppealData, do_receive_appeal, do_receive_appeals
from hotline.intake.channels import mail as mail_channel
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.api.conftest import ApiClient
from tests.citizen_messages.conftest import Recording, configure
from tests.factories import make_ticket
from tests.tickets.conftest import Flow
from tests.web.test_console import call

pytestmark = pytest.mark.django_db

K, M, S = CitizenMessageKind, CitizenMedium, CitizenMessageState


def receive(channel: str, *, phone: str = "", address: str = "", name: str = "张先生") -> Ticket:
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=channel,
            title="小区门口路灯不亮",
            content="幸福路12号小区门口路灯坏了一周。",
            citizen_name=name,
            citizen_phone=phone,
            citizen_email=address,
        ),
        None,
    )
    return ticket


def letter(sender: str, subject: str, body: str, message_id: str) -> bytes:
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = "12345@city.example.cn"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Tue, 10 Jun 2025 09:00:00 +0800"
    msg.set_content(body)
    return bytes(msg)


def answer_to(sent: mail.EmailMessage, sender: str, body: str, message_id: str) -> bytes:
    """The citizen's answer to a letter Hotline sent: "Re: " and the subject as it arrived, encoded
    words and all (the mail client quotes the header it received)."""
    received = email.message_from_bytes(sent.message().as_bytes())
    raw_subject = received["Subject"]
    head = [
        f"From: {sender}",
        "To: 12345@city.example.cn",
        f"Subject: Re: {raw_subject}",
        f"Message-ID: {message_id}",
        f"In-Reply-To: {received['Message-ID']}",
        "Date: Tue, 10 Jun 2025 10:00:00 +0800",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode()


# --- acceptance (受理告知) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "channel", [Channel.PHONE, Channel.WEB, Channel.APP, Channel.WECHAT, Channel.OPEN311, Channel.GRID]
)
def test_an_accepted_appeal_with_a_mobile_number_is_told_by_sms(channel, frozen_clock) -> None:
    ticket = receive(channel, phone="138 1234 1234")
    message = CitizenMessage.objects.get()
    assert (message.kind, message.medium, message.to, message.state) == (
        K.ACCEPTED,
        M.SMS,
        "13812341234",
        S.PENDING,
    )
    assert message.ticket == ticket and message.appeal == ticket.appeals.get()
    assert message.body.startswith("【示范市12345】")
    assert f"工单号{ticket.number}" in message.body and "已受理" in message.body
    assert message.next_attempt_at == frozen_clock.value  # due at once


def test_a_letter_is_told_by_mail_with_the_number_in_the_subject(frozen_clock) -> None:
    taken = mail_channel.do_receive_letter(
        mail_channel.parse(
            letter("居民 <Resident@QQ.com>", "路灯不亮", "幸福路路灯坏了，电话13900001111", "<a1@qq.com>")
        ),
        Channel.MAILBOX,
    )
    message = CitizenMessage.objects.get()
    # The letter writer's own channel: mail, although the letter also gave a mobile number.
    assert (message.medium, message.to) == (M.EMAIL, "resident@qq.com")
    assert message.subject == f"[示范市12345] 工单 {taken.ticket.number} 已受理：路灯不亮"
    assert mail_channel.TICKET_NUMBER.search(message.subject).group(1) == taken.ticket.number


def test_an_address_no_mail_server_would_take_falls_back_to_sms() -> None:
    receive(Channel.MAILBOX, phone="13812341234", address="not an address@")
    assert CitizenMessage.objects.get().medium == M.SMS


def test_through_the_api_and_the_operators_console(staff) -> None:
    _token, raw = ApiToken.issue(staff["operator"], name="test")
    response = ApiClient(staff["operator"], raw).post(
        "/appeals",
        {
            "channel": "app",
            "external_id": "app-1",
            "citizen_phone": "13912345678",
            "title": "油烟扰民",
            "content": "餐馆油烟直排。",
        },
    )
    assert response.status_code == 201
    client = Client()
    client.force_login(staff["operator"])
    assert client.post("/console/", call()).status_code == 302
    told = CitizenMessage.objects.order_by("pk")
    assert [(m.appeal.channel, m.to, m.created_by) for m in told] == [
        (Channel.APP, "13912345678", staff["operator"]),
        (Channel.PHONE, "13900005678", staff["operator"]),
    ]


@pytest.mark.parametrize("phone", ["", "0571-88881234", "12345"])
def test_an_anonymous_appeal_or_a_landline_is_told_nothing(phone) -> None:
    receive(Channel.PHONE, phone=phone, name="")
    assert not CitizenMessage.objects.exists()


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13812341234", "13812341234"),
        ("+86 138-1234-1234", "13812341234"),
        ("8613812341234", "13812341234"),
        ("010-12345678", ""),
        ("1381234123", ""),
        ("23812341234", ""),
        ("１３８１２３４１２３４", "13812341234"),  # a Chinese input method's full-width digits
        ("138١٢٣٤١٢٣٤", ""),  # digits no SMS gateway dials
        ("+852 2345 6789", ""),
    ],
)
def test_mobile_numbers(phone, mobile) -> None:
    assert mobile_number(phone) == mobile


def test_an_intake_rolled_back_leaves_no_message() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(Channel.PHONE, phone="13812341234")
        assert CitizenMessage.objects.count() == 1
        raise RuntimeError("crash before the commit")
    assert not CitizenMessage.objects.exists() and not Ticket.objects.exists()


def test_the_message_is_in_the_citys_language_whatever_the_actors(flow: Flow) -> None:
    with translation.override("en"):
        make_ticket(actor=flow.user("operator"))
    assert "您反映的" in CitizenMessage.objects.get().body


def test_an_import_of_history_tells_nobody(staff) -> None:
    receipt = do_receive_appeals(
        [
            AppealData(
                channel=Channel.IMPORT,
                external_id=f"old-{i}",
                title="噪音扰民",
                content="楼下商铺夜间噪音。",
                citizen_phone=f"1390000000{i}",
                citizen_email="old@example.cn" if i == 0 else "",
            )
            for i in range(3)
        ],
        staff["admin"],
    )
    assert len(receipt.created) == 3
    assert not CitizenMessage.objects.exists()


def test_acceptance_can_be_switched_off(settings) -> None:
    configure(settings, ON_ACCEPT=False)
    receive(Channel.PHONE, phone="13812341234")
    assert not CitizenMessage.objects.exists()


# --- the reply (答复告知) to every appellant --------------------------------------------------------


def replied(ticket: Ticket) -> list[CitizenMessage]:
    return list(CitizenMessage.objects.filter(ticket=ticket, kind=K.REPLIED).order_by("pk"))


def test_the_reply_goes_to_every_appellant_of_a_merged_ticket(flow: Flow, merged, staff) -> None:
    target = flow.reply(
        flow.accept(flow.dispatch(merged["target"], co=())), text="路灯已修复，感谢您的反映。"
    )
    told = replied(target)
    assert [(m.medium, m.to) for m in told] == [
        (M.SMS, "13800000001"),
        (M.SMS, "13900000002"),
        (M.SMS, "13700000003"),
        (M.EMAIL, "writer@163.com"),
    ]
    # Each is told the number of their own appeal's ticket, the one they were given.
    for message, own in zip(told, ["target", "second", "third", "writer"], strict=True):
        assert merged[own].number in (message.subject or message.body)
        assert "路灯已修复，感谢您的反映。" in message.body
        assert message.created_by == staff["housing"]
        # No member of staff is named to the citizen.
        assert staff["housing"].username not in message.body and "住建局" not in message.body
    assert "合并办理" in told[3].body


def test_one_reply_message_per_citizen_and_per_reply(flow: Flow, frozen_clock) -> None:
    operator = flow.user("operator")
    target = make_ticket(actor=operator, phone="13800000001")
    again = make_ticket(actor=operator, phone="13800000001", title="路灯还是不亮")
    actions.do_merge_ticket(again, operator, into_ticket_id=target.pk)
    target = flow.reply(flow.accept(flow.dispatch(target, co=())))
    assert len(replied(target)) == 1  # the same citizen twice: told once
    # Reopened and answered again: a second reply, told again.
    target = flow.callback(target, satisfaction="unsatisfied")
    target = flow.reply(target, text="已更换灯具。")
    assert [m.body.endswith("已更换灯具。") for m in replied(target)] == [False, True]


def test_an_unmerged_appeal_is_not_told_the_other_tickets_reply(flow: Flow, merged) -> None:
    operator = flow.user("operator")
    actions.do_unmerge_ticket(merged["writer"], operator, note="不是同一问题")
    target = flow.reply(flow.accept(flow.dispatch(merged["target"], co=())))
    assert "writer@163.com" not in [m.to for m in replied(target)]
    assert len(replied(target)) == 3


# --- sending ---------------------------------------------------------------------------------------


def test_the_worker_sends_sms_through_the_log_only_sender_by_default(frozen_clock, caplog) -> None:
    receive(Channel.PHONE, phone="13812341234")
    with caplog.at_level("INFO", logger="hotline.citizen_messages"):
        assert send_citizen_messages.enqueue().return_value == {S.SENT: 1}
    message = CitizenMessage.objects.get()
    assert (message.state, message.attempts, message.sent_at) == (S.SENT, 1, frozen_clock.value)
    assert "未实际发送" in message.detail
    assert "138****1234" in caplog.text and "13812341234" not in caplog.text
    assert list(message.log.values_list("action", "actor")) == [(CitizenMessageAction.SENT, None)]


def test_mail_round_trip_the_citizens_answer_joins_the_ticket(frozen_clock, mail_from) -> None:
    first = mail_channel.do_receive_letter(
        mail_channel.parse(
            letter("Resident <resident@qq.com>", "路灯不亮", "幸福路路灯坏了。", "<a1@qq.com>")
        ),
        Channel.MAILBOX,
    )
    send_due()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["resident@qq.com"] and sent.from_email == mail_from and sent.reply_to == [mail_from]
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert first.ticket.number in sent.subject and "已受理" in sent.body

    answer = answer_to(sent, "Resident <resident@qq.com>", "补充：路灯旁的井盖也松了。", "<a2@qq.com>")
    taken = mail_channel.do_receive_letter(mail_channel.parse(answer), Channel.MAILBOX)
    assert taken.joined and taken.ticket == first.ticket
    assert Ticket.objects.count() == 1 and first.ticket.appeals.count() == 2
    # The answer is a follow-up on a ticket the citizen knows: no second acceptance.
    assert CitizenMessage.objects.count() == 1


def test_a_merged_letter_writers_answer_to_the_reply_joins_the_ticket_it_was_merged_into(
    flow: Flow, merged, mail_from
) -> None:
    target = flow.reply(flow.accept(flow.dispatch(merged["target"], co=())))
    send_due()
    sent = next(m for m in mail.outbox if "答复" in m.subject)
    assert merged["writer"].number in sent.subject
    answer = answer_to(sent, "writer@163.com", "路灯修好了，谢谢。", "<thanks@163.com>")
    taken = mail_channel.do_receive_letter(mail_channel.parse(answer), Channel.MAILBOX)
    assert taken.joined and taken.ticket == target


def test_a_failed_attempt_is_tried_again_later_and_sent_once(frozen_clock, recording) -> None:
    recording.answers = [Outcome(ok=False, detail="HTTP 503 Service Unavailable")]
    receive(Channel.PHONE, phone="13812341234")
    message = CitizenMessage.objects.get()

    assert send_due() == {S.PENDING: 1}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.detail) == (S.PENDING, 1, "HTTP 503 Service Unavailable")
    assert message.next_attempt_at == frozen_clock.value + timedelta(minutes=2)
    # Not due yet: the worker's next round leaves it.
    assert send_due() == {} and do_send(message.pk) == "skipped"

    frozen_clock.set(frozen_clock.value + timedelta(minutes=2))
    assert send_due() == {S.SENT: 1}
    # The task run again (a retried task, a second worker): nothing is sent twice.
    assert send_citizen_messages.enqueue().return_value == {}
    assert do_send(message.pk) == "skipped"
    assert recording.sent == [message.pk, message.pk]
    assert list(message.log.values_list("action", flat=True)) == [
        CitizenMessageAction.RETRY,
        CitizenMessageAction.SENT,
    ]


def test_a_message_fails_for_good_after_the_last_attempt_and_may_be_resent(
    frozen_clock, recording, settings, staff
) -> None:
    configure(settings, MAX_ATTEMPTS=2)
    recording.answers = [Outcome(ok=False, detail="timeout"), Outcome(ok=False, detail="timeout")]
    receive(Channel.PHONE, phone="13812341234")
    message = CitizenMessage.objects.get()
    do_send(message.pk)
    frozen_clock.set(frozen_clock.value + timedelta(hours=1))
    assert do_send(message.pk) == S.FAILED
    frozen_clock.set(frozen_clock.value + timedelta(days=2))
    assert send_due() == {}  # failed for good: the worker leaves it

    with pytest.raises(Forbidden):
        do_resend(message, staff["housing"])
    do_resend(message, staff["operator"], note="网关已恢复")
    assert send_due() == {S.SENT: 1}
    with pytest.raises(ActionNotAllowed):
        do_resend(message, staff["operator"])
    log = list(CitizenMessageLog.objects.filter(message=message).values_list("action", "actor", "detail"))
    assert log == [
        (CitizenMessageAction.RETRY, None, "timeout"),
        (CitizenMessageAction.FAILED, None, "timeout"),
        (CitizenMessageAction.RESEND, staff["operator"].pk, "网关已恢复"),
        (CitizenMessageAction.SENT, None, "ok"),
    ]


def test_a_refusal_that_cannot_get_better_fails_at_once(recording) -> None:
    recording.answers = [Outcome(ok=False, detail="HTTP 400 号码无效", retry=False)]
    receive(Channel.PHONE, phone="13812341234")
    assert send_due() == {S.FAILED: 1}


def test_a_sender_that_raises_is_recorded(settings, recording, monkeypatch) -> None:
    def broken(self: Any, message: CitizenMessage) -> Outcome:
        raise ConnectionResetError("gateway hung up")

    monkeypatch.setattr(Recording, "send", broken)
    receive(Channel.PHONE, phone="13812341234")
    assert send_due() == {S.PENDING: 1}
    assert "ConnectionResetError: gateway hung up" in CitizenMessage.objects.get().detail


# --- the HTTP SMS gateway ----------------------------------------------------------------------------


class _Gateway(BaseHTTPRequestHandler):
    status: ClassVar[int] = 200
    received: ClassVar[list[tuple[dict[str, str], dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((dict(self.headers), json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()
        self.wfile.write(b'{"result": "queued"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings):
    _Gateway.status, _Gateway.received = 200, []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    configure(
        settings,
        SMS_SENDER="hotline.citizen_messages.senders.HttpSms",
        SMS_URL=f"http://127.0.0.1:{server.server_port}/send",
        SMS_TOKEN="s3cret",
        SMS_TIMEOUT=2,
    )
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_the_text_with_its_key(gateway) -> None:
    ticket = receive(Channel.PHONE, phone="13812341234")
    assert send_due() == {S.SENT: 1}
    ((headers, body),) = gateway.received
    message = CitizenMessage.objects.get()
    assert body == {"id": message.dedupe_key, "to": "13812341234", "text": message.body}
    assert ticket.number in body["text"]
    assert headers["Authorization"] == "Bearer s3cret" and headers["Idempotency-Key"] == message.dedupe_key
    assert message.detail == '{"result": "queued"}'


@pytest.mark.parametrize(("status", "state"), [(500, S.PENDING), (429, S.PENDING), (400, S.FAILED)])
def test_the_http_gateways_errors(gateway, status, state) -> None:
    gateway.status = status
    receive(Channel.PHONE, phone="13812341234")
    assert send_due() == {state: 1}
    assert CitizenMessage.objects.get().detail.startswith(f"HTTP {status}")


def test_an_unreachable_gateway_is_tried_again(settings, gateway) -> None:
    configure(settings, SMS_URL="http://127.0.0.1:9/send")
    receive(Channel.PHONE, phone="13812341234")
    assert send_due() == {S.PENDING: 1}
    assert "URLError" in CitizenMessage.objects.get().detail


# --- the ticket page ---------------------------------------------------------------------------------


def test_the_ticket_page_shows_what_was_told_with_the_destination_masked(flow: Flow, merged) -> None:
    target = flow.reply(flow.accept(flow.dispatch(merged["target"], co=())))
    send_due()
    client = Client()
    client.force_login(flow.user("operator"))
    html = client.get(f"/tickets/{target.number}/").content.decode()
    section = html[html.index('id="citizen-messages"') :]
    section = section[: section.index("</table>")]
    assert "告知记录" in html
    assert section.count("受理告知") == 1 and section.count("答复告知") == 4
    for phone in ("13800000001", "13900000002", "13700000003"):
        assert phone not in html
        assert f"{phone[:3]}****{phone[-4:]}" in section
    assert "writer@163.com" not in html and "w***@163.com" in section
    assert "已发送" in section
    # A duplicate's page shows what its own appellant was told, the reply of the ticket it joined too.
    html = client.get(f"/tickets/{merged['second'].number}/").content.decode()
    section = html[html.index('id="citizen-messages"') :]
    assert "139****0002" in section and "答复告知" in section and "137****0003" not in section


def test_a_failed_message_is_resent_from_the_ticket_page(flow: Flow, recording, settings) -> None:
    configure(settings, MAX_ATTEMPTS=1)
    recording.answers = [Outcome(ok=False, detail="HTTP 503")]
    ticket = make_ticket(actor=flow.user("operator"))
    assert send_due() == {S.FAILED: 1}
    message = CitizenMessage.objects.get()
    url = f"/tickets/{ticket.number}/messages/{message.pk}/resend/"

    client = Client()
    client.force_login(flow.user("housing"))  # a department's handler may not
    assert client.post(url).status_code == 403
    client.force_login(flow.user("dispatcher"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'action="{url}"' in page and "重发" in page
    response = client.post(url, {"note": "网关已恢复"})
    assert response.status_code == 302 and response["Location"].endswith("#citizen-messages")
    message.refresh_from_db()
    assert message.state == S.PENDING
    assert message.log.last().actor == flow.user("dispatcher")
    assert client.post(url).status_code == 409  # pending: nothing to resend
    assert client.post(f"/tickets/{ticket.number}/messages/{message.pk + 1000}/resend/").status_code == 404


def test_a_worker_killed_mid_send_leaves_the_message_to_be_sent_after_the_lease(
    frozen_clock, recording
) -> None:
    receive(Channel.PHONE, phone="13812341234")
    message = CitizenMessage.objects.get()
    # A worker claimed it and died before it could record anything.
    assert _claim(message.pk) is not None
    # The others leave it while the lease runs: the dead worker may have sent it.
    assert send_due() == {} and do_send(message.pk) == "skipped" and recording.sent == []
    frozen_clock.set(frozen_clock.value + LEASE)
    assert send_due() == {S.SENT: 1}
    message.refresh_from_db()
    assert (message.state, message.attempts) == (S.SENT, 2)


def test_a_sender_that_cannot_be_imported_is_an_error_at_start_up(settings) -> None:
    assert check_senders() == []
    configure(settings, SMS_SENDER="hotline.nowhere.Sms")
    (error,) = check_senders()
    assert error.id == "hotline.E003" and "HOTLINE_SMS_SENDER" in error.msg


def test_the_api_shows_what_was_told_masked(flow: Flow, merged, staff) -> None:
    target = flow.reply(flow.accept(flow.dispatch(merged["target"], co=())))
    send_due()
    _token, raw = ApiToken.issue(staff["dispatcher"], name="test")
    body = ApiClient(staff["dispatcher"], raw).get(f"/tickets/{target.pk}").json()
    told = [
        (m["kind"], m["ticket"]["number"], m["medium"], m["to"], m["state"]) for m in body["citizen_messages"]
    ]
    appellants = [
        (target.number, "sms", "138****0001"),
        (merged["second"].number, "sms", "139****0002"),
        (merged["third"].number, "sms", "137****0003"),
        (merged["writer"].number, "email", "w***@163.com"),
    ]
    assert told == [
        ("accepted", target.number, "sms", "138****0001", "sent"),
        *[("dispatched", *appellant, "sent") for appellant in appellants],
        *[("replied", *appellant, "sent") for appellant in appellants],
    ]
