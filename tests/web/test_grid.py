"""/grid/report/: a grid worker reports what they find on patrol with the phone's location (or a
place typed by hand) and a photo; it enters the loop as channel grid in their community."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.core.enums import Channel, EventType
from hotline.intake.models import Appeal, Attachment
from hotline.tickets.models import Ticket
from tests.web.grid_setup import JPEG

pytestmark = pytest.mark.django_db


def report(client, **fields):
    data = {
        "title": "人行道井盖破损",
        "content": "幸福路 12 号门前人行道井盖破损，已有行人绊倒。",
        "latitude": "31.230416",
        "longitude": "121.473701",
        "token": uuid.uuid4().hex,
        **fields,
    }
    return client.post("/grid/report/", data)


def test_a_grid_worker_reports_with_location_and_photo(signed_in, grid_worker, community) -> None:
    page = signed_in.get("/grid/report/")
    assert page.status_code == 200
    assert 'capture="environment"' in page.content.decode()
    photo = SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")
    response = report(signed_in, photo=photo)
    assert response.status_code == 200
    appeal = Appeal.objects.select_related("ticket").get()
    ticket = appeal.ticket
    assert (appeal.channel, appeal.created_by, appeal.citizen_name) == (Channel.GRID, grid_worker, "王网格")
    assert (appeal.latitude, appeal.longitude) == (31.230416, 121.473701)
    assert ticket.area == community
    assert ticket.number in response.content.decode()
    first = ticket.events.get()
    assert (first.action, first.details["channel"], first.actor) == (EventType.RECEIVE, "grid", grid_worker)
    stored = Attachment.objects.get(appeal=appeal)
    assert stored.content_type == "image/jpeg"
    # The report is listed under the form as the worker's latest.
    assert ticket.number in signed_in.get("/grid/report/").content.decode()


def test_without_a_location_the_place_must_be_typed(signed_in) -> None:
    response = report(signed_in, latitude="", longitude="")
    assert response.status_code == 422
    assert "没有取得手机定位：请填写地点" in response.content.decode()
    assert not Ticket.objects.exists()
    response = report(signed_in, latitude="", longitude="", address="幸福路12号")
    assert response.status_code == 200
    assert Appeal.objects.get().address == "幸福路12号"


def test_a_photo_that_is_not_one_is_refused_by_its_content(signed_in) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + bytes(100), content_type="image/jpeg")
    response = report(signed_in, photo=fake)
    assert response.status_code == 422
    assert "照片须为 JPEG 或 PNG 图片" in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_a_report_sent_twice_is_one_ticket(signed_in) -> None:
    token = uuid.uuid4().hex
    first = report(signed_in, token=token)
    again = report(signed_in, token=token)
    assert first.status_code == again.status_code == 200
    assert Ticket.objects.count() == 1


def test_only_grid_workers_report(client, staff) -> None:
    client.force_login(staff["operator"])
    response = client.get("/grid/report/")
    assert response.status_code == 403
    assert "网格上报只供网格员使用" in response.content.decode()
    assert report(client).status_code == 403
    assert not Ticket.objects.exists()


def test_the_home_page_of_a_grid_worker_is_the_report_page(signed_in) -> None:
    response = signed_in.get("/")
    assert response.status_code == 302 and response["Location"] == "/grid/report/"
