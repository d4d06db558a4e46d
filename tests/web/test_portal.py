"""The citizen portal (/portal/, no login): an appeal submitted through the web channel, once per
form token; the refusals (422) that store nothing; CSRF; the rate limits (429); the public view of
a ticket by number and the phone's last four digits, which hides staff, notes and phones; the
citizen's rating, recorded as a callback, once."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hotline.core import clock
from hotline.core.enums import Channel, Resolution, Satisfaction, TicketStatus
from hotline.core.phone import mainland_number
from hotline.feedback import actions as feedback_actions
from hotline.feedback.models import Callback
from hotline.intake import limits
from hotline.intake.models import Appeal, Attachment, PortalHit
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
NOT_FOUND = "未找到该工单"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HOTLINE = {
        **settings.HOTLINE,
        "PORTAL": {**settings.HOTLINE["PORTAL"], "SUBMITS_PER_HOUR": 3, "TRACKS_PER_HOUR": 6},
    }


def token(client: Client) -> str:
    page = client.get("/portal/")
    assert page.status_code == 200
    found = re.search(r'name="token" value="([0-9a-f]{32})"', page.content.decode())
    assert found, "the form carries a one-time token"
    return found.group(1)


def form(client: Client, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "title": "小区门口路灯不亮",
        "content": "幸福路12号门口的路灯连续三晚不亮，夜里出行不便。",
        "address": "幸福路12号",
        "phone": PHONE,
        "name": "李女士",
        "token": token(client),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Client, **overrides: Any) -> Any:
    return client.post("/portal/", form(client, **overrides))


def number_in(response: Any) -> str:
    found = re.search(r'id="ticket-number">(\d{8}-\d{6})<', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1)


def track(client: Client, number: str, last4: str) -> Any:
    return client.post("/portal/track/", {"number": number, "last4": last4})


# --- submitting --------------------------------------------------------------------------------


def test_the_form_is_for_a_phone_and_has_no_staff_frame(client):
    page = client.get("/portal/").content.decode()
    assert 'name="viewport"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'enctype="multipart/form-data"' in page
    assert "/logout/" not in page and "工单查询" not in page


def test_a_submission_makes_a_web_ticket_without_a_staff_actor_and_shows_its_number(client):
    response = submit(client)
    assert response.status_code == 200
    number = number_in(response)
    ticket = Ticket.objects.get(number=number)
    appeal = ticket.appeals.get()
    assert appeal.channel == Channel.WEB
    assert appeal.created_by is None
    assert appeal.citizen_phone == PHONE
    assert appeal.citizen_name == "李女士"
    assert appeal.external_id and appeal.external_id.startswith("portal-")
    assert ticket.status == TicketStatus.NEW
    assert ticket.kind == "complaint"
    assert ticket.events.get().actor is None
    assert "查询进度" in response.content.decode()


def test_the_same_form_token_twice_makes_one_ticket(client):
    data = form(client)
    first = client.post("/portal/", data)
    second = client.post("/portal/", data)
    assert first.status_code == second.status_code == 200
    assert number_in(first) == number_in(second)
    assert Ticket.objects.count() == 1
    assert PortalHit.objects.filter(kind="submit_ip").count() == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"phone": "12345"}, "请填写 11 位手机号码"),
        ({"phone": "23912345678"}, "请填写 11 位手机号码"),
        ({"content": "   "}, "请填写诉求内容"),
        ({"content": None}, "请填写诉求内容"),
        ({"title": ""}, "请填写标题"),
        ({"phone": ""}, "请填写联系电话"),
        ({"content": "x" * 5001}, "5000"),
        ({"kind": "gossip"}, "选择一个有效的选项"),
        ({"token": "not-a-token"}, "表单已失效"),
    ],
)
def test_a_bad_field_is_refused_with_its_reason_and_nothing_is_stored(client, overrides, reason):
    response = submit(client, **overrides)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert Ticket.objects.count() == 0
    assert Appeal.objects.count() == 0
    # Nothing counted against the submissions (reading the form counted as a page view).
    assert not PortalHit.objects.exclude(kind=limits.PAGES_BY_IP).exists()
    # The form comes back with the citizen's text and a token it can be sent with.
    page = response.content.decode()
    assert re.search(r'name="token" value="[0-9a-f]{32}"', page)


def test_phone_numbers_mobile_and_fixed_line():
    assert mainland_number("139 1234 5678") == "13912345678"
    assert mainland_number("+8613912345678") == "13912345678"
    assert mainland_number("010-12345678") == "01012345678"
    assert mainland_number("0571 8765432") == "05718765432"
    assert mainland_number("1391234567") is None
    assert mainland_number("12912345678") is None
    assert mainland_number("12345678") is None
    assert mainland_number("010-0234567") is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("１３９ １２３４ ５６７８", "13912345678"), ("０５７１－８７６５４３２１", "057187654321")],
)
def test_a_phone_typed_in_full_width_digits_is_kept_in_ascii(client, typed, kept):
    """A Chinese input method types full-width digits: the same number, kept as it is dialled."""
    assert submit(client, phone=typed).status_code == 200
    assert Appeal.objects.get().citizen_phone == kept


@pytest.mark.parametrize("typed", ["139١٢٣٤٥٦٧٨", "١٣٩١٢٣٤٥٦٧٨"])
def test_a_phone_in_other_digits_is_refused(client, typed):
    response = submit(client, phone=typed)
    assert response.status_code == 422 and "请填写 11 位手机号码" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_photo_is_stored_with_the_appeal_by_its_content(client, settings):
    photo = SimpleUploadedFile("我家门口.gif", PNG, content_type="image/gif")
    response = submit(client, photo=photo)
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.appeal.ticket.number == number_in(response)
    assert attachment.content_type == "image/png"
    assert attachment.size == len(PNG)
    assert attachment.file.name.startswith("uploads/") and attachment.file.name.endswith(".png")
    assert "我家门口" not in attachment.file.name
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PNG


def test_a_jpeg_photo_is_taken(client):
    assert (
        submit(client, photo=SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")).status_code == 200
    )
    assert Attachment.objects.get().content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.7 not an image at all", "照片须为 JPEG 或 PNG 图片"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "照片须为 JPEG 或 PNG 图片"),
        (PNG + b"\x00" * (1024 * 1024), "照片不能超过 1 MB"),
    ],
)
def test_a_photo_that_is_no_image_or_too_big_is_refused(client, settings, content, reason):
    settings.HOTLINE["PORTAL"]["PHOTO_MAX_BYTES"] = 1024 * 1024
    response = submit(client, photo=SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"))
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_a_post_without_the_csrf_token_is_forbidden():
    client = Client(enforce_csrf_checks=True)
    data = form(client)  # the page sets the CSRF cookie, but the post leaves the token out
    response = client.post("/portal/", data)
    assert response.status_code == 403
    assert Ticket.objects.count() == 0
    assert track(client, "20250611-000001", "5678").status_code == 403


def test_a_post_with_the_csrf_token_goes_through():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/portal/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    response = client.post("/portal/", form(client, csrfmiddlewaretoken=csrf.group(1)))
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


# --- rate limits -------------------------------------------------------------------------------


def test_submissions_are_limited_per_ip_address(client):
    for i in range(3):
        assert submit(client, phone=f"1391234000{i}").status_code == 200
    response = submit(client, phone="13912340009")
    assert response.status_code == 429
    # Until the first of the three leaves the hour's window.
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "每小时最多提交 3 件" in response.content.decode()
    assert Ticket.objects.count() == 3
    # Another address may still submit.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert submit(other, phone="13912340009").status_code == 200


def test_submissions_are_limited_per_phone_number_across_addresses():
    for i in range(3):
        assert submit(Client(REMOTE_ADDR=f"10.0.1.{i}")).status_code == 200
    response = submit(Client(REMOTE_ADDR="10.0.1.99"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Ticket.objects.count() == 3


def test_the_limit_forgets_after_an_hour(client):
    for i in range(3):
        assert submit(client, phone=f"1391234000{i}").status_code == 200
    with clock.frozen_at(clock.now() + timedelta(hours=1, minutes=1)):
        assert submit(client, phone="13912340009").status_code == 200
    # The hits that left the window were pruned as the new ones were written.
    assert PortalHit.objects.filter(kind="submit_ip").count() == 1


def test_the_counter_keeps_no_address_or_number(client):
    submit(client)
    keys = list(PortalHit.objects.values_list("key_hash", flat=True))
    assert len(keys) == 3  # the form read, the submission by address and by phone
    assert all(len(k) == 64 and PHONE not in k and "127.0.0.1" not in k for k in keys)


def test_lookups_are_limited_per_ip_address(client):
    for _ in range(6):
        assert track(client, "20250611-000001", "0000").status_code == 404
    response = track(client, "20250611-000001", "0000")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "每小时最多查询 6 次" in response.content.decode()


# --- tracking ----------------------------------------------------------------------------------


@pytest.fixture
def replied(client, staff, departments) -> Ticket:
    """A portal ticket, joined by a phone caller's appeal (merged), dispatched to housing with
    water as co-handler, signed, answered and replied, all through the real actions."""
    number = number_in(submit(client))
    ticket = Ticket.objects.get(number=number)
    duplicate = make_ticket(actor=staff["operator"], phone="13700001111", title="路灯又坏了")
    actions.do_merge_ticket(duplicate, staff["dispatcher"], into_ticket_id=ticket.pk, note="内部：同一路灯")
    ticket = actions.do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
        note="内部备注：请优先处理",
    )
    ticket = actions.do_accept_assignment(ticket, staff["housing"])
    ticket = actions.do_accept_assignment(ticket, staff["water"])
    ticket = actions.do_answer_assignment(ticket, staff["water"], text="协办内部意见：管线无异常")
    return feedback_actions.do_reply_ticket(ticket, staff["housing"], text="路灯已于今日修复，感谢您的反映。")


def test_the_public_view_shows_progress_and_the_reply_and_hides_the_rest(client, replied, staff):
    response = track(client, replied.number, PHONE[-4:])
    assert response.status_code == 200
    page = response.content.decode()
    assert "已答复" in page
    for step in ("诉求已受理", "已转交 住建局 办理", "住建局 已签收", "水务局 已签收", "住建局 已答复"):
        assert step in page, step
    assert "路灯已于今日修复，感谢您的反映。" in page
    # What a person reads: the text of the page, without its head and its tags' attributes.
    text = re.sub(r"<[^>]+>", " ", page.split("</head>", 1)[1])
    for username in (user.username for user in staff.values()):
        assert not re.search(rf"\b{re.escape(username)}\b", text), username
    for hidden in (
        PHONE,
        PHONE[:3],
        "13700001111",
        "张先生",
        "路灯又坏了",
        "内部备注",
        "内部：同一路灯",
        "协办内部意见",
        "李女士",
    ):
        assert hidden not in page, hidden
    assert "评价答复" in page


def test_a_wrong_last4_answers_like_an_unknown_number(client, replied):
    wrong = track(client, replied.number, "0000")
    unknown = track(client, "19990101-000001", PHONE[-4:])
    assert wrong.status_code == unknown.status_code == 404
    assert NOT_FOUND in wrong.content.decode()

    def body(response: Any) -> str:
        text = response.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r'name="(number|last4)"[^>]*value="[^"]*"', "", text)

    assert body(wrong) == body(unknown)


@pytest.mark.parametrize("number", ["2025-0611", "19990101-000001"])
def test_a_refused_lookup_keeps_what_the_citizen_typed(client, replied, number):
    # A typo in the number (refused, or not found) is corrected without typing the digits again.
    response = track(client, number, "1234")
    assert response.status_code in (404, 422)
    assert re.search(r'name="last4" id="id_last4"[^>]*value="1234"', response.content.decode())


def test_the_form_for_another_ticket_starts_empty(client, replied):
    page = track(client, replied.number, PHONE[-4:]).content.decode()
    assert re.search(r'name="last4" id="id_last4"[^>]*value=""', page)


def test_the_merged_callers_see_the_ticket_they_joined(client, replied):
    merged = Ticket.objects.get(status=TicketStatus.MERGED)
    page = track(client, merged.number, "1111").content.decode()
    assert "合并办理" in page
    assert "路灯已于今日修复" in page
    assert "小区门口路灯不亮" not in page  # the other citizen's title


def test_the_ticket_a_duplicate_joined_is_tracked_with_the_duplicates_phone(client, replied):
    """The console tells a caller whose call was attached to a ticket the number of that ticket too:
    it answers to the digits of any of its appellants (its own and its merged duplicates'), and shows
    the progress as the caller's own number does: their own title, never the other citizen's."""
    merged = Ticket.objects.get(status=TicketStatus.MERGED)
    by_own = track(client, merged.number, "1111")
    response = track(client, replied.number, "1111")
    assert by_own.status_code == response.status_code == 200
    page = response.content.decode()
    assert "合并办理" in page and "已答复" in page
    assert "路灯已于今日修复" in page
    assert f"工单 {merged.number}" in page  # the number of the caller's messages
    assert "路灯又坏了" in page and "小区门口路灯不亮" not in page
    assert "评价答复" in page
    # Digits of nobody's phone on either ticket still find nothing.
    assert track(client, replied.number, "0000").status_code == 404

    # The rating is the duplicate's caller's, with their own appeal.
    response = rate(client, replied, Satisfaction.SATISFIED, last4="1111")
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    callback = Callback.objects.get(ticket=replied)
    assert callback.appeal == merged.appeals.get()
    # The portal's own caller rates the same answer once more, with theirs.
    assert rate(client, replied, Satisfaction.SATISFIED).status_code == 200
    assert rate(client, replied, Satisfaction.SATISFIED, last4="1111").status_code == 409


def test_a_caller_reads_their_own_callback_not_the_other_appellants(client, replied, staff):
    """Two appellants of one answer, each called back: each one's progress said "回访：满意" twice,
    the other citizen's rating among them (audit of 2026-12-06). Each reads their own; another's
    that reopened the ticket is said as what it did, without their rating."""
    merged = Ticket.objects.get(status=TicketStatus.MERGED)
    own_appeal, their_appeal = replied.appeals.get(), merged.appeals.get()
    feedback_actions.do_record_callback(
        replied,
        staff["operator"],
        resolution=Resolution.RESOLVED,
        satisfaction=Satisfaction.SATISFIED,
        appeal_id=own_appeal.pk,
    )
    feedback_actions.do_record_callback(
        replied,
        staff["operator"],
        resolution=Resolution.UNRESOLVED,
        satisfaction=Satisfaction.UNSATISFIED,
        appeal_id=their_appeal.pk,
    )
    mine = track(client, replied.number, PHONE[-4:]).content.decode()
    assert mine.count("回访：满意") == 1 and "回访：不满意" not in mine
    assert "经回访，重新办理" in mine
    theirs = track(client, merged.number, "1111").content.decode()
    assert "回访：不满意，重新办理" in theirs and "回访：满意<" not in theirs and theirs.count("回访：") == 1


def test_a_citizen_whose_second_call_joined_their_own_ticket_rates_its_answer_once(
    client, staff, departments
):
    """Two appeals, one person (the same number, written otherwise): by either ticket's number the
    portal takes one rating of the answer, as the callback desk calls them once."""
    ticket = Ticket.objects.get(number=number_in(submit(client)))
    again = make_ticket(
        actor=staff["operator"], phone=f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", title="又来反映"
    )
    actions.do_merge_ticket(again, staff["dispatcher"], into_ticket_id=ticket.pk, note="同一市民再次来电")
    ticket = actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk
    )
    ticket = actions.do_accept_assignment(ticket, staff["housing"])
    ticket = feedback_actions.do_reply_ticket(ticket, staff["housing"], text="路灯已于今日修复。")

    assert rate(client, ticket, Satisfaction.SATISFIED).status_code == 200
    assert "评价答复" not in track(client, again.number, PHONE[-4:]).content.decode()
    assert rate(client, again, Satisfaction.SATISFIED).status_code == 409
    assert Callback.objects.filter(ticket=ticket).count() == 1


def rate(client: Client, ticket: Ticket, satisfaction: str, last4: str = PHONE[-4:]) -> Any:
    resolution = Resolution.UNRESOLVED if satisfaction == Satisfaction.UNSATISFIED else Resolution.RESOLVED
    return client.post(
        "/portal/rate/",
        {"number": ticket.number, "last4": last4, "resolution": resolution, "satisfaction": satisfaction},
    )


def test_a_satisfied_rating_records_a_callback_and_keeps_the_ticket_replied(client, replied):
    response = rate(client, replied, Satisfaction.SATISFIED)
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    callback = Callback.objects.get(ticket=replied)
    assert callback.satisfaction == Satisfaction.SATISFIED
    assert callback.called_by is not None and callback.called_by.username == "portal"
    assert callback.reply == replied.replies.get()
    replied.refresh_from_db()
    assert replied.status == TicketStatus.REPLIED
    assert "评价答复" not in response.content.decode()
    # The operator may now close it, as after a callback by phone.


def test_an_unsatisfied_rating_reopens_the_ticket(client, replied):
    response = rate(client, replied, Satisfaction.UNSATISFIED)
    assert response.status_code == 200
    replied.refresh_from_db()
    assert replied.status == TicketStatus.REOPENED
    assert replied.reopen_count == 1
    assert "正在重新办理" in response.content.decode()


def test_rating_twice_is_refused(client, replied):
    assert rate(client, replied, Satisfaction.SATISFIED).status_code == 200
    again = rate(client, replied, Satisfaction.UNSATISFIED)
    assert again.status_code == 409
    assert "不能评价" in again.content.decode()
    assert Callback.objects.filter(ticket=replied).count() == 1
    replied.refresh_from_db()
    assert replied.status == TicketStatus.REPLIED


def test_rating_needs_the_right_pair_and_a_reply(client, replied, staff):
    assert rate(client, replied, Satisfaction.UNSATISFIED, last4="0000").status_code == 404
    fresh = Ticket.objects.get(number=number_in(submit(client, phone="13800002222")))
    refused = rate(client, fresh, Satisfaction.SATISFIED, last4="2222")
    assert refused.status_code == 409
    assert Callback.objects.count() == 0


def test_a_rating_without_a_choice_is_refused_with_the_form_again(client, replied):
    response = client.post("/portal/rate/", {"number": replied.number, "last4": PHONE[-4:]})
    assert response.status_code == 422
    assert "评价答复" in response.content.decode()
    assert Callback.objects.count() == 0


def test_ratings_count_against_the_lookup_limit(client, replied):
    for _ in range(6):
        track(client, replied.number, "0000")
    assert rate(client, replied, Satisfaction.SATISFIED).status_code == 429
    assert Callback.objects.count() == 0


def test_a_rating_without_an_answer_says_which_question_is_missing(client, replied):
    """Django's own "这个字段是必填项" said nothing of which of the two questions was skipped."""
    response = client.post(
        "/portal/rate/", {"number": replied.number, "last4": PHONE[-4:], "resolution": "resolved"}
    )
    page = response.content.decode()
    assert response.status_code in (200, 422)
    assert "请选择您对答复是否满意" in page and "这个字段是必填项" not in page
