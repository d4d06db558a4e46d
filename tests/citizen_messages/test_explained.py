"""What staff read of a message's failed attempt (告知记录's 说明): what the sender's technical text
means and what happens next, in words; the text itself stays on the message for the admin and the
logs."""

import pytest
from django.core import mail
from django.test import Client

from hotline.citizen_messages.actions import send_due
from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.selectors import explained, problem
from hotline.citizen_messages.senders import LOG_ONLY_DETAIL, Outcome
from hotline.core.enums import Channel
from hotline.core.enums import CitizenMedium as M
from hotline.core.enums import CitizenMessageState as S
from hotline.intake.channels import mail as mail_channel
from tests.citizen_messages.conftest import configure
from tests.citizen_messages.test_messages import letter
from tests.factories import UserFactory, make_ticket
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"


@pytest.mark.parametrize(
    ("medium", "detail", "said"),
    [
        (M.EMAIL, REFUSED, "邮件服务器无法连接"),
        (M.EMAIL, "TimeoutError: timed out", "邮件服务器响应超时"),
        (M.EMAIL, "gaierror: [Errno -2] Name or service not known", "找不到邮件服务器（地址无法解析）"),
        (
            M.EMAIL,
            "SMTPAuthenticationError: (535, b'5.7.8 Error: authentication failed')",
            "邮件服务器登录失败，请检查发信账号和密码",
        ),
        (
            M.EMAIL,
            "SMTPRecipientsRefused: {'x@y.cn': (550, b'no such user')}",
            "邮件服务器拒收：收件地址无效或不存在",
        ),
        (M.EMAIL, "SMTPServerDisconnected: Connection unexpectedly closed", "与邮件服务器的连接中断"),
        (M.EMAIL, "SSLError: [SSL: CERTIFICATE_VERIFY_FAILED]", "与邮件服务器的加密连接失败"),
        (M.EMAIL, "SMTPDataError: (554, b'spam')", "邮件发送失败"),
        (M.SMS, "URLError: [Errno 111] Connection refused", "短信网关无法连接"),
        (M.SMS, "HTTP 503 Service Unavailable", "短信网关返回错误（HTTP 503）"),
        (M.SMS, "HTTP 401 Unauthorized", "短信网关拒绝访问，请检查接口令牌"),
        (M.SMS, "短信网关地址须为 http(s)：未配置", "短信网关地址未配置或不正确"),
        (M.SMS, "ValueError: something odd", "短信发送失败"),
    ],
)
def test_the_senders_text_in_words(medium, detail, said) -> None:
    assert problem(medium, detail) == said


def test_what_happens_next() -> None:
    assert explained(M.EMAIL, S.PENDING, 0, "") == ""  # not tried yet
    assert explained(M.EMAIL, S.PENDING, 1, REFUSED) == "邮件服务器无法连接，将自动重试"
    assert explained(M.EMAIL, S.PENDING, 3, REFUSED) == "邮件服务器无法连接，将自动重试（已重试 2 次）"
    assert explained(M.EMAIL, S.FAILED, 5, REFUSED) == "邮件服务器无法连接，已重试 4 次，不再自动重试"
    assert explained(M.SMS, S.FAILED, 1, "HTTP 400 号码无效") == "短信网关返回错误（HTTP 400），无法自动重试"
    assert explained(M.SMS, S.SENT, 1, '{"result": "queued"}') == ""  # the gateway's answer is the log's
    assert explained(M.SMS, S.SENT, 1, LOG_ONLY_DETAIL) == "仅记录，未实际发送（开发、演示用通道）"
    assert explained(M.SMS, S.CANCELLED, 0, "工单 1 已撤销合并，不再发送") == "工单 1 已撤销合并，不再发送"


def test_the_ticket_page_says_in_words_why_a_mail_was_not_sent(flow: Flow, monkeypatch, mail_from) -> None:
    def refused(self, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail.EmailMessage, "send", refused)
    taken = mail_channel.do_receive_letter(
        mail_channel.parse(letter("居民 <resident@qq.com>", "路灯不亮", "幸福路路灯坏了", "<a1@qq.com>")),
        Channel.MAILBOX,
    )
    assert send_due() == {S.PENDING: 1}
    message = CitizenMessage.objects.get()
    assert message.detail == REFUSED  # kept for the admin and the logs

    client = Client()
    client.force_login(flow.user("dispatcher"))
    page = client.get(f"/tickets/{taken.ticket.number}/").content.decode()
    section = page[page.index('id="citizen-messages"') :]
    section = section[: section.index("</table>")]
    assert "邮件服务器无法连接，将自动重试" in section
    assert "ConnectionRefusedError" not in page and "Errno" not in page


def test_a_message_failed_for_good_says_so_and_offers_a_resend(flow: Flow, recording, settings) -> None:
    configure(settings, MAX_ATTEMPTS=2, RETRY_MINUTES=0)
    recording.answers = [Outcome(ok=False, detail="URLError: [Errno 111] Connection refused")] * 2
    ticket = make_ticket(actor=flow.user("operator"))
    send_due()
    assert send_due() == {S.FAILED: 1}

    client = Client()
    client.force_login(flow.user("dispatcher"))
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    section = page[page.index('id="citizen-messages"') :]
    assert "短信网关无法连接，已重试 1 次，不再自动重试" in section and "重发" in section
    assert "URLError" not in page


def test_the_admin_lists_the_words_and_keeps_the_technical_text(flow: Flow, recording, settings) -> None:
    recording.answers = [Outcome(ok=False, detail="URLError: [Errno 111] Connection refused")]
    make_ticket(actor=flow.user("operator"))
    send_due()
    message = CitizenMessage.objects.get()
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)

    client = Client()
    client.force_login(admin)
    listed = client.get("/admin/citizen_messages/citizenmessage/").content.decode()
    assert "短信网关无法连接，将自动重试" in listed
    record = client.get(f"/admin/citizen_messages/citizenmessage/{message.pk}/change/").content.decode()
    assert "URLError: [Errno 111] Connection refused" in record
