"""A ticket's page: who sees it, what it shows, the actions it offers, and acting from it through the
same actions as the API (a refused or forged action changes nothing)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.enums import AssignmentStatus, TicketStatus
from hotline.intake.attachments import store_photo
from hotline.intake.models import PhoneReveal
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dispatched(staff, departments, waiting) -> Ticket:
    """Housing leads, water co-handles; nobody has signed yet."""
    return do_dispatch_ticket(
        waiting[0],
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )


def page(client, ticket: Ticket):
    return client.get(f"/tickets/{ticket.number}/")


def act(client, ticket: Ticket, name: str, data: dict | None = None, **extra):
    return client.post(f"/tickets/{ticket.number}/do/{name}/", data or {}, **extra)


def test_the_page_needs_a_signed_in_user_who_may_see_the_ticket(client, staff, dispatched) -> None:
    response = page(client, dispatched)
    assert response.status_code == 302 and response["Location"].startswith("/login/")

    client.force_login(staff["street"])  # a department the ticket never went to
    response = page(client, dispatched)
    assert response.status_code == 404
    assert dispatched.title not in response.content.decode()
    assert client.get("/tickets/20990101-000001/").status_code == 404  # the same answer as none at all


def test_the_page_shows_the_ticket_its_parts_and_its_timeline(client, staff, dispatched) -> None:
    client.force_login(staff["dispatcher"])
    html = page(client, dispatched).content.decode()
    assert dispatched.number in html and dispatched.title in html
    assert "住建局" in html and "水务局" in html  # the assignments, by department name
    assert "138****1234" in html and "13812341234" not in html  # masked until revealed
    timeline = html[html.index('id="timeline"') :]
    assert timeline.index("受理") < timeline.index("派单")  # the timeline in order, by event name
    assert "主办：住建局" in timeline


def test_the_page_offers_what_the_user_may_do_now(client, staff, dispatched) -> None:
    client.force_login(staff["housing"])
    html = page(client, dispatched).content.decode()
    assert 'id="do-accept"' in html
    assert "/do/return/" in html
    assert "/do/reply/" not in html  # not before signing
    assert "/do/dispatch/" not in html

    client.force_login(staff["operator"])
    html = page(client, dispatched).content.decode()
    assert 'id="do-accept"' not in html and "/do/merge/" in html


def test_signing_from_the_page_runs_the_action_and_comes_back(client, staff, dispatched) -> None:
    client.force_login(staff["housing"])
    response = act(client, dispatched, "accept", {"next": f"/tickets/{dispatched.number}/"})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{dispatched.number}/"
    dispatched.refresh_from_db()
    assert dispatched.status == TicketStatus.ACCEPTED
    lead = dispatched.assignments.get(department__code="B01")
    assert lead.status == AssignmentStatus.ACCEPTED and lead.accepted_by == staff["housing"]
    html = client.get(response["Location"]).content.decode()
    assert f"工单 {dispatched.number}：已签收" in html  # the message
    # And what comes next: the reply, once the co-handler has answered (it would be refused before).
    assert 'id="reply-awaits-co"' in html and "协办单位尚未反馈：水务局" in html


def test_a_refused_action_says_why_and_changes_nothing(client, staff, dispatched) -> None:
    do_accept_assignment(dispatched, staff["housing"])
    do_accept_assignment(dispatched, staff["water"])
    client.force_login(staff["water"])  # the co-handler may not reply to the citizen
    response = act(client, dispatched, "reply", {"text": "已处理"})
    assert response.status_code == 409
    assert "只有主办单位可以答复" in response.content.decode()
    assert not dispatched.replies.exists()

    response = act(client, dispatched, "return", {"reason": "  "})  # blank reason
    assert response.status_code == 422
    assert dispatched.assignments.get(department__code="B02").status == AssignmentStatus.ACCEPTED


def test_a_forged_post_is_refused_not_a_server_error(client, staff, dispatched, departments) -> None:
    client.force_login(staff["housing"])
    response = act(client, dispatched, "dispatch", {"lead_department_id": departments["water"].pk})
    assert response.status_code == 403
    response = act(client, dispatched, "no_such_action")
    assert response.status_code == 404
    response = act(client, dispatched, "accept", {"assignment_id": "abc", "unknown": "x"})
    assert response.status_code == 422
    client.force_login(staff["street"])
    assert act(client, dispatched, "accept").status_code == 404  # not their ticket: not even there
    dispatched.refresh_from_db()
    assert dispatched.status == TicketStatus.DISPATCHED


def test_with_htmx_a_refusal_is_a_fragment_and_success_a_redirect(client, staff, dispatched) -> None:
    client.force_login(staff["water"])
    response = act(client, dispatched, "reply", {"text": "x"}, **HTMX)
    assert response.status_code == 409  # nobody may reply before the lead signs
    assert "<html" not in response.content.decode()
    response = act(client, dispatched, "accept", {"next": "/inbox/"}, **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == "/inbox/"
    response = act(client, dispatched, "accept", {"next": "https://evil.example/"})
    assert response.status_code == 409  # already signed; and `next` off the site would be ignored


def test_an_extension_asked_on_the_page_in_local_time(client, staff, dispatched) -> None:
    do_accept_assignment(dispatched, staff["housing"])
    client.force_login(staff["housing"])
    response = act(
        client,
        dispatched,
        "request_extension",
        {"reason": "需第三方检测", "requested_due_at": "2099-01-05T17:30"},
    )
    assert response.status_code == 302
    extension = dispatched.assignments.get(department__code="B01").extensions.get()
    assert extension.requested_due_at.isoformat() == "2099-01-05T09:30:00+00:00"  # 17:30 in Shanghai

    client.force_login(staff["dispatcher"])
    html = page(client, dispatched).content.decode()
    assert "延期审批" in html
    response = act(client, dispatched, "review_extension", {"extension_id": extension.pk, "approve": "true"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.approved is True


def test_a_suspension_on_the_timeline_gives_its_reason_in_words(client, staff, dispatched) -> None:
    do_accept_assignment(dispatched, staff["housing"])
    client.force_login(staff["housing"])
    response = act(client, dispatched, "suspend", {"reason": "awaiting_material", "note": "等房产证复印件"})
    assert response.status_code == 302
    timeline = page(client, dispatched).content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert "理由：待诉求人补充材料" in timeline and "awaiting_material" not in timeline
    assert "说明：等房产证复印件" in timeline


def test_merging_names_the_other_ticket_by_its_number(client, staff, waiting) -> None:
    duplicate, original = waiting
    client.force_login(staff["operator"])
    response = act(client, duplicate, "merge", {"into_number": original.number, "note": "同一路灯"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == TicketStatus.MERGED and duplicate.merged_into == original
    html = page(client, original).content.decode()
    assert f"由重复工单 {duplicate.number} 并入" in html  # the merged caller shows on the target
    assert act(client, original, "merge", {"into_number": "20990101-000009"}).status_code == 404


def test_revealing_a_phone_number_is_recorded(client, staff, dispatched) -> None:
    appeal = dispatched.appeals.get()
    url = f"/tickets/{dispatched.number}/appeals/{appeal.pk}/phone/"
    client.force_login(staff["leader"])  # leaders do not call citizens
    assert client.post(url).status_code == 403
    assert not PhoneReveal.objects.exists()

    client.force_login(staff["operator"])
    response = client.post(url, **HTMX)
    assert response.status_code == 200 and "13812341234" in response.content.decode()
    response = client.post(url)  # without JavaScript: the page, with that number shown
    assert "13812341234" in response.content.decode()
    reveals = list(PhoneReveal.objects.values_list("revealed_by__username", "appeal_id"))
    assert reveals == [("op", appeal.pk), ("op", appeal.pk)]

    client.force_login(staff["street"])
    assert client.post(url).status_code == 404
    other = make_ticket(actor=staff["operator"], title="其他", content="其他")
    assert client.post(f"/tickets/{other.number}/appeals/{appeal.pk}/phone/").status_code == 404
    assert PhoneReveal.objects.count() == 2


def test_a_ticket_with_a_position_shows_it_on_the_districts_map(client, staff, departments) -> None:
    from hotline.core.enums import Channel
    from hotline.intake.actions import AppealData, do_receive_appeal

    ticket, _created = do_receive_appeal(
        AppealData(
            channel=Channel.GRID,
            title="井盖缺失",
            content="人民路口井盖缺失",
            latitude=30.05,
            longitude=120.1,
        ),
        staff["operator"],
    )
    client.force_login(staff["operator"])
    html = page(client, ticket).content.decode()
    assert "北纬 30.05000，东经 120.10000" in html
    assert 'id="ticket-map" data-geojson="/overview/districts.geojson"' in html
    assert '"lat": 30.05' in html and "ticket_map.js" in html
    assert client.get("/overview/districts.geojson").status_code == 200  # outlines for every staff member

    plain = make_ticket(actor=staff["operator"], title="无位置", content="无位置")
    assert 'id="ticket-map"' not in page(client, plain).content.decode()


def test_a_citizens_photo_is_shown_to_those_who_may_see_the_ticket(
    client, staff, dispatched, waiting, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    appeal = dispatched.appeals.get()
    photo = store_photo(appeal, SimpleUploadedFile("门口.png", png, content_type="image/png"), "image/png")
    url = f"/tickets/{dispatched.number}/attachments/{photo.pk}"

    client.force_login(staff["housing"])
    html = page(client, dispatched).content.decode()
    assert f'<img src="{url}"' in html and "市民上传的照片 1" in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # Read to the end, as a server would: the test client then closes the response and its file.
    assert b"".join(response.streaming_content) == png
    assert "private" in response["Cache-Control"]

    # Another department's handler does not see the ticket, so not its photo either.
    client.force_login(staff["street"])
    assert client.get(url).status_code == 404
    # Nor does a photo come through another ticket's number.
    client.force_login(staff["operator"])
    assert client.get(f"/tickets/{waiting[1].number}/attachments/{photo.pk}").status_code == 404
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png
    client.logout()
    assert client.get(url).status_code == 302  # to the login
