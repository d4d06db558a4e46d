"""What a careless or hostile user types into the staff pages: a NUL (which PostgreSQL cannot take,
even in a filter) or another control character in a ticket's number, a note or an article, and a
`next` that leads off the site. Each is refused, or found to be nothing, with a message in the
page's language, and nothing is stored; none is a server error."""

import re

import pytest

from hotline.citizen_messages.actions import send_due
from hotline.citizen_messages.models import CitizenMessage
from hotline.citizen_messages.senders import Outcome
from hotline.core.enums import ArticleStatus, AssignmentStatus, TicketStatus
from hotline.core.enums import CitizenMessageState as M
from hotline.feedback.models import ReplyCheck
from hotline.intake.models import Appeal
from hotline.knowledge.actions import ArticleData, do_create_article, do_retire_article
from hotline.knowledge.models import Article
from hotline.tickets.models import Assignment, Ticket
from tests.citizen_messages.conftest import configure, recording  # noqa: F401  (fixture: the SMS sender)
from tests.factories import make_ticket
from tests.feedback.test_quality import FORMULA
from tests.tickets.conftest import Flow
from tests.web.test_console import call
from tests.web.test_grid_worker_reports import reported

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = TicketStatus
NUL = "a\x00b"


@pytest.fixture
def flow(staff, departments) -> Flow:
    return Flow(staff, departments)


def test_a_ticket_number_holding_a_nul_is_no_ticket(client, staff) -> None:
    client.force_login(staff["admin"])
    for path in ("/tickets/a%00b/", "/tickets/a%00b/case/", "/tickets/a%00b/publish/"):
        assert client.get(path).status_code == 404, path
    for path in (
        "/tickets/a%00b/do/accept/",
        "/tickets/a%00b/case/",
        "/supervision/tickets/a%00b/open/",
        "/tickets/a%00b/appeals/1/phone/",
    ):
        response = client.post(path, {})
        assert response.status_code == 404, path
        assert "不存在" in response.content.decode()
    # The operator's console, back from a call, names the ticket it filed (?done=<number>).
    assert client.get("/console/", {"done": NUL}).status_code == 200


def test_a_call_sent_twice_is_one_ticket(client, staff) -> None:
    """A double click on 受理, or the form sent again after its answer was lost: the console's
    one-time token makes the second sending find the ticket of the first, as the portal's does."""
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page)
    assert token is not None
    sent = call(token=token.group(1))
    first = client.post("/console/", sent)
    second = client.post("/console/", sent)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1
    # The page after it carries a new token: the next call is a ticket of its own.
    after = client.get(first["Location"]).content.decode()
    renewed = re.search(r'name="token" value="([0-9a-f]{32})"', after)
    assert renewed is not None and renewed.group(1) != token.group(1)
    assert client.post("/console/", call(token=renewed.group(1), title="另一通来电")).status_code == 302
    assert Ticket.objects.count() == 2


def test_a_call_attached_twice_is_one_appeal(client, staff, waiting) -> None:
    client.force_login(staff["operator"])
    sent = call(token="0" * 31 + "1")
    first = client.post(f"/console/attach/{waiting[0].pk}/", sent)
    second = client.post(f"/console/attach/{waiting[0].pk}/", sent)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appeal.objects.filter(external_id="console-" + "0" * 31 + "1").count() == 1
    assert Ticket.objects.filter(merged_into=waiting[0]).count() == 1


def test_a_merge_into_a_number_holding_a_nul_is_refused(client, staff, waiting) -> None:
    client.force_login(staff["dispatcher"])
    response = client.post(f"/tickets/{waiting[0].number}/do/merge/", {"into_number": NUL})
    assert response.status_code == 404
    assert Ticket.objects.get(pk=waiting[0].pk).status == S.NEW


def test_a_dispatch_note_holding_a_nul_is_refused(client, staff, departments, waiting) -> None:
    client.force_login(staff["dispatcher"])
    response = client.post(
        f"/dispatch/{waiting[0].pk}/",
        {"lead_department_id": departments["housing"].pk, "note": f"请尽快{NUL}"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert Ticket.objects.get(pk=waiting[0].pk).status == S.NEW


def test_a_return_review_note_holding_a_nul_is_refused(client, staff, returned) -> None:
    lead = returned.lead_assignment
    assert lead is not None
    client.force_login(staff["dispatcher"])
    response = client.post(f"/dispatch/returns/{lead.pk}/", {"decision": "reject", "note": NUL}, **HTMX)
    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert Assignment.objects.get(pk=lead.pk).status == AssignmentStatus.RETURNED


def test_a_knowledge_review_note_holding_a_nul_is_refused(client, staff) -> None:
    article = do_create_article(
        staff["admin"],
        ArticleData(title="养犬登记", body="到辖区派出所办理。"),
        status=ArticleStatus.PUBLISHED,
    )
    client.force_login(staff["admin"])
    response = client.post(f"/knowledge/{article.pk}/do/retire/", {"note": NUL})
    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_the_edit_form_of_an_article_one_may_not_edit_is_not_offered(client, staff, departments) -> None:
    """Typed into the address bar: the form opened, and what was typed into it was refused."""
    theirs = do_create_article(
        staff["admin"], ArticleData(title="供水报修", body="拨打水务热线。", owner_id=departments["water"].pk)
    )
    client.force_login(staff["housing"])
    page = client.get(f"/knowledge/{theirs.pk}/edit/")
    assert page.status_code == 403
    assert "只能编辑本单位负责的知识" in page.content.decode()
    retired = do_retire_article(
        do_create_article(
            staff["admin"], ArticleData(title="旧口径", body="已废止。"), status=ArticleStatus.PUBLISHED
        ),
        staff["admin"],
        note="政策已废止",
    )
    client.force_login(staff["admin"])
    page = client.get(f"/knowledge/{retired.pk}/edit/")
    assert page.status_code == 409
    assert "已停用的知识不能再编辑" in page.content.decode()
    assert client.get(f"/knowledge/{theirs.pk}/edit/").status_code == 200


def test_an_article_with_control_characters_is_refused(client, staff) -> None:
    """The API refuses them (core.api.NoNul); a public article holding one broke 百问百答's RSS feed
    (XML 1.0 cannot carry them): a server error for every reader."""
    client.force_login(staff["admin"])
    typed = {
        "title": "养犬\x01登记",
        "question": "怎么\x0b办",
        "body": "到派出所\x1f办理。",
        "owner": "",
        "public": "on",
    }
    response = client.post("/knowledge/new/", typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert "控制字符" in page and "U+0001" in page
    assert not Article.objects.exists()
    assert client.get("/qa/feed.xml").status_code == 200


def test_an_article_with_a_bidirectional_override_or_del_is_refused(client, staff) -> None:
    """The same rule as the API's: an override (U+202E) would show the title reversed to every
    reader; DEL is a control character as the others are. Chinese, emoji and line breaks stay."""
    client.force_login(staff["admin"])
    typed = {"title": "养犬登记", "question": "", "body": "到派出所办理。", "owner": "", "public": "on"}
    for field, value, char in (
        ("title", "养犬\u202e记登", "U+202E"),
        ("body", "到派出所\x7f办理。", "U+007F"),
    ):
        response = client.post("/knowledge/new/", typed | {field: value})
        assert response.status_code == 422
        assert f"不能包含控制字符（{char}）" in response.content.decode()
    assert not Article.objects.exists()
    response = client.post("/knowledge/new/", typed | {"body": "到派出所办理 😀\r\n第二行"})
    assert response.status_code == 302
    assert Article.objects.get().body == "到派出所办理 😀\r\n第二行"


def test_the_rss_feed_leaves_out_a_control_character_stored_before(client, staff) -> None:
    """Written before the pages refused them (the actions take them): the feed leaves them out
    rather than failing for every reader."""
    do_create_article(
        staff["admin"],
        ArticleData(title="养犬\x01登记", body="到派出所\x1f办理。", public=True),
        status=ArticleStatus.PUBLISHED,
    )
    response = client.get("/qa/feed.xml")
    assert response.status_code == 200
    assert "<title>养犬登记</title>" in response.content.decode()


def test_a_reply_review_note_holding_a_nul_is_refused(client, flow: Flow) -> None:
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    ticket = flow.reply(ticket, text=FORMULA)
    reply = ticket.replies.get()
    client.force_login(flow.user("supervisor"))
    response = client.post(f"/replies/{reply.pk}/review/", {"note": NUL}, **HTMX)
    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert ReplyCheck.objects.get(reply=reply).reviewed_by is None


def test_a_resend_note_holding_a_nul_is_refused(client, flow: Flow, recording, settings) -> None:  # noqa: F811
    configure(settings, MAX_ATTEMPTS=1, RETRY_MINUTES=0)
    recording.answers = [Outcome(ok=False, detail="timeout")]
    ticket = make_ticket(actor=flow.user("operator"))
    assert send_due() == {M.FAILED: 1}
    message = CitizenMessage.objects.get()
    client.force_login(flow.user("dispatcher"))
    response = client.post(f"/tickets/{ticket.number}/messages/{message.pk}/resend/", {"note": NUL})
    assert response.status_code == 422
    assert "NUL" in response.content.decode()
    assert CitizenMessage.objects.get(pk=message.pk).state == M.FAILED


def test_a_grid_worker_searching_their_reports_for_a_nul_finds_what_the_rest_says(
    signed_in, grid_worker
) -> None:
    reported(grid_worker, title="人行道井盖破损")
    found = signed_in.get("/grid/reports/", {"q": "井盖\x00"})
    assert found.status_code == 200
    assert "人行道井盖破损" in found.content.decode()


@pytest.mark.parametrize("elsewhere", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"])
def test_a_reply_review_goes_back_only_to_a_page_of_the_site(client, flow: Flow, elsewhere: str) -> None:
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    ticket = flow.reply(ticket, text=FORMULA)
    reply = ticket.replies.get()
    client.force_login(flow.user("supervisor"))
    missing = client.post(f"/replies/{reply.pk + 1000}/review/", {"note": "好", "next": elsewhere})
    assert missing.status_code == 404
    assert elsewhere not in missing.content.decode()
    done = client.post(f"/replies/{reply.pk}/review/", {"note": "已补充电话说明", "next": elsewhere})
    assert done.status_code == 302 and done["Location"] == "/replies/flagged/"
