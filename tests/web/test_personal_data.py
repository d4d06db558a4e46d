"""Where citizens' numbers, names and mail addresses could leak besides the pages that show them on
purpose: the server's logs (the access log's request lines, the request Django logs with a 4xx,
the log-only sender's lines), what a refused mail's detail keeps, a caller's number written into
their own words read by a role that may not see it, and the admin's page of an appeal."""

import io
import json
import logging
import smtplib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config
from gunicorn.glogging import Logger

from hotline.accounts.models import ApiToken, User
from hotline.citizen_messages.actions import send_due
from hotline.citizen_messages.models import CitizenMessage
from hotline.core.enums import Channel, CitizenMessageState
from hotline.core.logs import JSONFormatter, RequestIdFilter
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.intake.models import Appeal
from hotline.tickets.actions import do_dispatch_ticket
from hotline.web.management.commands import serve
from tests.api.conftest import ApiClient
from tests.citizen_messages.conftest import configure
from tests.factories import make_ticket

PHONE = "13912340001"


# --- the access log ---------------------------------------------------------------------------------


def access_line(raw_uri: str) -> str:
    """The line gunicorn writes for a GET of `raw_uri`, with the format `hotline serve` gives it."""
    argv = serve.gunicorn_argv(serve.parse_bind("127.0.0.1", "8000", "1"))
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", argv[argv.index("--access-logformat") + 1])
    logger = Logger(config)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger.access_log.handlers = [handler]
    path, _, query = raw_uri.partition("?")
    environ = {
        "REMOTE_ADDR": "10.0.0.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "abc123")])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    return out.getvalue()


@pytest.mark.parametrize(
    "raw_uri",
    [
        f"/console/caller/?citizen_phone={PHONE}",  # the console, as the operator types the number
        f"/tickets/?phone={PHONE}&status=new",  # the search by the caller's phone
        "/tickets/?q=%E6%AC%A7%E9%98%B3%E8%B7%AF%E4%BA%BA",  # a search by a name (欧阳路人)
    ],
)
def test_the_access_log_keeps_no_query_string(raw_uri) -> None:
    line = access_line(raw_uri)
    path = raw_uri.partition("?")[0]
    assert f'"GET {path} HTTP/1.1" 200 512B 5ms abc123' in line
    assert PHONE not in line and "%E6%AC%A7" not in line and "?" not in line


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("leader", f"/console/caller/?citizen_phone={PHONE}", 403),  # not an operator's page
        ("operator", f"/tickets/20250101-999999/?phone={PHONE}", 404),
    ],
)
def test_a_refused_requests_log_line_keeps_no_query_string(staff, caplog, role, url, status) -> None:
    client = Client()
    client.force_login(staff[role])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == status
    [record] = [r for r in caplog.records if r.name == "django.request"]
    # As settings.LOGGING writes it: Django passes the request along, and its repr has the query.
    RequestIdFilter().filter(record)
    line = json.loads(JSONFormatter().format(record))
    assert line["request"] == f"<WSGIRequest: GET {url.partition('?')[0]!r}>"
    assert PHONE not in json.dumps(line)


# --- the messages to citizens ---------------------------------------------------------------------

LOG_ONLY = "hotline.citizen_messages.senders.LogOnly"


def receive(*, phone: str = "", address: str = "") -> None:
    do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX if address else Channel.PHONE,
            title="小区门口路灯不亮",
            content=f"幸福路12号小区门口路灯坏了一周，电话{PHONE}。",
            citizen_name="欧阳路人",
            citizen_phone=phone,
            citizen_email=address,
        ),
        None,
    )


@pytest.mark.django_db
def test_the_log_only_sender_logs_a_mail_address_masked(settings, caplog) -> None:
    configure(settings, EMAIL_SENDER=LOG_ONLY)
    receive(address="ouyang.luren@qq.com")
    with caplog.at_level("INFO", logger="hotline.citizen_messages"):
        assert send_due() == {CitizenMessageState.SENT: 1}
    assert "o***@qq.com" in caplog.text
    assert "ouyang.luren" not in caplog.text


@pytest.mark.django_db
def test_the_log_only_sender_masks_the_citizens_number_and_name_in_the_text(caplog) -> None:
    receive(phone=PHONE)
    message = CitizenMessage.objects.get()
    message.body += f"欧阳路人您好，如有疑问，我们将致电{PHONE}与您联系。"
    message.save(update_fields=["body"])
    with caplog.at_level("INFO", logger="hotline.citizen_messages"):
        assert send_due() == {CitizenMessageState.SENT: 1}
    assert "139****0001" in caplog.text and "***您好，如有疑问，我们将致电***与您联系" in caplog.text
    assert PHONE not in caplog.text and "欧阳路人" not in caplog.text


@pytest.mark.django_db
def test_a_refused_mail_address_is_kept_masked_in_the_detail_and_the_log(
    settings, caplog, monkeypatch
) -> None:
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"ouyang.luren@qq.com": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    receive(address="ouyang.luren@qq.com")
    with caplog.at_level("INFO", logger="hotline.citizen_messages"):
        send_due()
    message = CitizenMessage.objects.get()
    assert message.detail.startswith("SMTPRecipientsRefused: {'o***@qq.com': (550")
    assert "ouyang.luren" not in message.detail and "ouyang.luren" not in caplog.text
    assert list(message.log.values_list("detail", flat=True)) == [message.detail]


# --- a caller's number in their own words -------------------------------------------------------------


def api_as(user: User) -> ApiClient:
    return ApiClient(user, ApiToken.issue(user, name="test")[1])


WORDS = f"幸福路12号路灯坏了，我电话{PHONE}，家里0571 8600 1234也行。"


@pytest.mark.django_db
def test_a_leader_reads_the_callers_words_with_their_numbers_masked(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], phone=PHONE, content=WORDS)
    client = Client()
    client.force_login(staff["leader"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    detail = api_as(staff["leader"]).get(f"/tickets/{ticket.pk}").json()
    masked = "幸福路12号路灯坏了，我电话***，家里***也行。"
    assert detail["content"] == masked and detail["appeals"][0]["content"] == masked
    assert masked in page
    for shown in (page, str(detail)):
        assert PHONE not in shown and "8600 1234" not in shown


@pytest.mark.django_db
def test_a_role_that_calls_citizens_reads_the_callers_words_as_written(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], phone=PHONE, content=WORDS)
    detail = api_as(staff["supervisor"]).get(f"/tickets/{ticket.pk}").json()
    assert detail["content"] == WORDS and detail["appeals"][0]["content"] == WORDS


@pytest.mark.django_db
def test_a_leader_reads_staff_notes_with_the_callers_number_masked(staff, departments) -> None:
    """A dispatcher's note and a callback's note that repeat the caller's number: masked for a role
    that may not see it, on the page and in the API; the office line a note names stays."""
    ticket = make_ticket(actor=staff["operator"], phone=PHONE, content="路灯坏了")
    note = f"市民{PHONE}反映多次，请联系住建局值班电话0571-8700 1234"
    ticket = do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk, note=note
    )
    client = Client()
    client.force_login(staff["leader"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    detail = api_as(staff["leader"]).get(f"/tickets/{ticket.pk}").json()
    dispatched = next(e for e in detail["events"] if e["action"] == "dispatch")
    assert dispatched["details"]["note"] == "市民***反映多次，请联系住建局值班电话0571-8700 1234"
    for shown in (page, str(detail)):
        assert PHONE not in shown
    # The dispatcher, who calls citizens, reads it as written.
    detail = api_as(staff["dispatcher"]).get(f"/tickets/{ticket.pk}").json()
    assert next(e for e in detail["events"] if e["action"] == "dispatch")["details"]["note"] == note


# --- the admin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_an_appeals_mail_address_masked(root) -> None:
    receive(address="ouyang.luren@qq.com")
    appeal = Appeal.objects.get()
    page = root.get(f"/admin/intake/appeal/{appeal.pk}/change/").content.decode()
    assert "o***@qq.com" in page and "欧阳路人" in page
    assert "ouyang.luren" not in page
