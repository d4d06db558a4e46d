"""POST requests enters through intake (and the worker routes it); GET requests is a view onto the
tickets with the specification's filters, window and limit, the extensions' paging, updates and
history, and never a citizen's name or phone."""

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hotline.core import clock
from hotline.core.enums import Channel, TicketStatus
from hotline.intake import attachments
from hotline.intake.models import Appeal, Attachment
from hotline.open311 import keys, media
from hotline.open311.models import ApiKey, Submission
from hotline.tickets.actions import do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket, TicketEvent
from tests.factories import make_ticket
from tests.open311.conftest import form

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


class Recorder:
    """A router that notes which tickets it was handed (the stand-in for the worker's ModelRouter)."""

    routed: list[int] = []

    def route(self, ticket_id: int) -> None:
        Recorder.routed.append(ticket_id)


def errors(response, status: int) -> list[str]:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert all(e["code"] == status for e in body)
    return [e["description"] for e in body]


def post(client, fields, fmt: str = "json", **kwargs):
    return client.post(f"/open311/v2/requests.{fmt}", fields, **kwargs)


# --- POST requests -----------------------------------------------------------------------------------


def test_a_posted_request_becomes_a_ticket_through_intake(
    client, services, api_key, django_capture_on_commit_callbacks, settings
) -> None:
    Recorder.routed = []
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"]}}
    settings.HOTLINE["ROUTING"]["ROUTER"] = "tests.open311.test_requests.Recorder"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, form(api_key, first_name="三", last_name="张", phone="13812345678", account_id="a7")
        )
    [answer] = response.json()
    ticket = Ticket.objects.get(number=answer["service_request_id"])
    assert answer["account_id"] == "a7" and ticket.number in answer["service_notice"]
    appeal = ticket.appeals.get()
    assert appeal.channel == Channel.OPEN311 and appeal.created_by is None
    assert (appeal.citizen_name, appeal.citizen_phone) == ("张三", "13812345678")
    assert (appeal.latitude, appeal.longitude) == (39.9042, 116.4074)
    assert ticket.category == services["lights"] and ticket.kind == "complaint"
    assert ticket.address == "和平街道幸福路12号"
    assert ticket.title == "幸福路12号门口的路灯坏了一周，晚上很黑。"[:30]
    # Routing was handed to the worker on commit, as for every appeal.
    assert Recorder.routed == [ticket.pk]
    submission = Submission.objects.get()
    assert submission.appeal == appeal and submission.api_key.name == "市民云 App"


def test_a_request_without_key_or_with_a_bad_one_is_refused_with_403(client, services, api_key) -> None:
    assert errors(post(client, {k: v for k, v in form(api_key).items() if k != "api_key"}), 403)
    assert errors(post(client, form("o311_wrong")), 403)
    keys.revoke(ApiKey.objects.get())
    assert errors(post(client, form(api_key)), 403)
    assert not Ticket.objects.exists()


def test_every_problem_of_a_request_is_named_and_nothing_is_stored(client, services, api_key) -> None:
    bad = form(
        api_key, lat="91", long="", description="", **{"attribute[kind]": "gossip", "attribute[x]": "1"}
    )
    bad.pop("address_string")
    found = errors(post(client, bad), 400)
    assert any("lat 和 long" in e for e in found)
    assert any("description" in e for e in found)
    assert any("attribute[kind]" in e and "gossip" in e for e in found)
    assert any("attribute[x]" in e for e in found)
    assert errors(post(client, form(api_key, description="长" * 4001)), 400)
    assert errors(post(client, form(api_key, service_code="")), 400)
    assert errors(post(client, form(api_key, service_code="0202")), 404)  # inactive
    assert errors(post(client, form(api_key, service_code="99")), 404)
    assert not Ticket.objects.exists()


def test_the_specifications_fields_alone_are_a_complaint(client, services, api_key) -> None:
    """A GeoReport v2 client that knows nothing of this city's attributes posts the specification's
    own fields; the kind it did not answer (or answered empty) is the definition's default."""
    fields = {k: v for k, v in form(api_key, service_code="010102").items() if not k.startswith("attribute")}
    fields.update(first_name="John", last_name="Smith", phone="111111111")
    first = post(client, fields).json()[0]["service_request_id"]
    second = post(client, {**fields, "attribute[kind]": ""}).json()[0]["service_request_id"]
    third = post(client, {**fields, "attribute[kind]": "help"}).json()[0]["service_request_id"]
    kinds = dict(Ticket.objects.values_list("number", "kind"))
    assert [kinds[first], kinds[second], kinds[third]] == ["complaint", "complaint", "help"]
    assert Ticket.objects.get(number=first).category == services["water"]


def test_a_location_may_be_an_address_alone(client, services, api_key) -> None:
    fields = form(api_key)
    del fields["lat"], fields["long"]
    assert post(client, fields).status_code == 200


def test_jurisdiction_id_is_optional_but_must_be_ours_when_set(client, services, api_key, settings) -> None:
    settings.HOTLINE = {
        **settings.HOTLINE,
        "OPEN311": {**settings.HOTLINE["OPEN311"], "JURISDICTION_ID": "12345.example.gov.cn"},
    }
    assert post(client, form(api_key, jurisdiction_id="12345.example.gov.cn")).status_code == 200
    assert post(client, form(api_key)).status_code == 200
    assert errors(post(client, form(api_key, jurisdiction_id="sfgov.org")), 404)
    assert errors(client.get("/open311/v2/services.json?jurisdiction_id=sfgov.org"), 404)


def test_photos_are_kept_when_their_content_is_an_image(client, services, api_key) -> None:
    photo = SimpleUploadedFile("lamp.jpg", JPEG, content_type="image/jpeg")
    response = post(client, {**form(api_key), "media": photo})
    number = response.json()[0]["service_request_id"]
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.appeal.ticket.number == number
    shown = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    # The public that reads the requests opens the photo, at a signed address (no login, no key).
    photo_response = Client().get(shown["media_url"])
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/jpeg"
    assert b"".join(photo_response.streaming_content) == JPEG

    # A page of text named .jpg and sent as image/jpeg is not an image.
    fake = SimpleUploadedFile("lamp.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    assert any("JPEG" in e for e in errors(post(client, {**form(api_key), "media": fake}), 400))
    assert Ticket.objects.count() == 1


def test_a_body_over_the_limit_is_413_before_it_is_read(client, services, api_key, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "PORTAL": {**settings.HOTLINE["PORTAL"], "PHOTO_MAX_BYTES": 100}}
    photo = SimpleUploadedFile("lamp.jpg", JPEG, content_type="image/jpeg")
    assert any("MB" in e for e in errors(post(client, {**form(api_key), "media": photo}), 413))
    big = SimpleUploadedFile("big.jpg", JPEG * 10_000, content_type="image/jpeg")
    assert errors(post(client, {**form(api_key), "media": big}), 413)


def test_a_json_body_is_refused(client, services, api_key) -> None:
    response = post(client, json.dumps(form(api_key)), content_type="application/json")
    assert any("x-www-form-urlencoded" in e for e in errors(response, 400))


def test_a_client_over_its_rate_waits(client, services, api_key, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "OPEN311_THROTTLE": {"FAILURES": 2, "WINDOW": 60, "COOL_OFF": 30}}
    assert post(client, form(api_key)).status_code == 200
    assert post(client, form(api_key)).status_code == 200
    refused = post(client, form(api_key))
    assert errors(refused, 429) and 0 < int(refused["Retry-After"]) <= 30
    # Another client system has its own count.
    _key, other = keys.issue("网格通")
    assert post(client, form(other)).status_code == 200
    assert Ticket.objects.count() == 3


def test_bad_keys_from_one_address_are_throttled(client, services, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TOKEN_THROTTLE": {"FAILURES": 2, "WINDOW": 60, "COOL_OFF": 60}}
    assert post(client, form("o311_guess1")).status_code == 403
    assert post(client, form("o311_guess2")).status_code == 429


# --- GET requests --------------------------------------------------------------------------------------


def _aged(ticket: Ticket, days: int) -> Ticket:
    moment = clock.now() - timedelta(days=days)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment, updated_at=moment)
    ticket.refresh_from_db()
    return ticket


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_the_default_window_is_90_days_and_dates_filter_it(client, services) -> None:
    recent = make_ticket(content="幸福路的路灯坏了")
    old = _aged(make_ticket(), 100)
    older = _aged(make_ticket(), 200)
    assert ids(client.get("/open311/v2/requests.json")) == [recent.number]
    start = (clock.now() - timedelta(days=150)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"start_date": start})) == [old.number]
    end = (clock.now() - timedelta(days=150)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"end_date": end})) == [older.number]
    too_wide = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00+08:00"}
    assert errors(client.get("/open311/v2/requests.json", too_wide), 400)
    backwards = {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}
    assert errors(client.get("/open311/v2/requests.json", backwards), 400)
    # Empty is the same as absent; out of the range the hotline takes in is refused.
    assert ids(client.get("/open311/v2/requests.json?start_date=&status=")) == [recent.number]
    assert errors(client.get("/open311/v2/requests.json?start_date=1900-01-01T00:00:00Z"), 400)
    assert errors(client.get("/open311/v2/requests.json?start_date=yesterday"), 400)


def test_ids_override_the_other_filters(client, services) -> None:
    a, b = make_ticket(), _aged(make_ticket(), 300)
    listed = ids(
        client.get(f"/open311/v2/requests.json?service_request_id={a.number},{b.number},x&status=closed")
    )
    assert sorted(listed) == sorted([a.number, b.number])


def test_status_and_service_code_filter(client, services, staff) -> None:
    lights = make_ticket()
    Ticket.objects.filter(pk=lights.pk).update(category=services["lights"])
    water = make_ticket()
    Ticket.objects.filter(pk=water.pk).update(category=services["water"], status=TicketStatus.CLOSED)
    assert ids(client.get("/open311/v2/requests.json?service_code=010101")) == [lights.number]
    assert set(ids(client.get("/open311/v2/requests.json?service_code=010101,010102"))) == {
        lights.number,
        water.number,
    }
    assert ids(client.get("/open311/v2/requests.json?status=closed")) == [water.number]
    assert ids(client.get("/open311/v2/requests.json?status=open")) == [lights.number]
    assert len(ids(client.get("/open311/v2/requests.json?status=open,closed"))) == 2
    assert errors(client.get("/open311/v2/requests.json?status=pending"), 400)
    [closed] = client.get("/open311/v2/requests.json?status=closed").json()
    assert closed["status"] == "closed" and closed["status_notes"] == "已办结"


def test_pages_and_the_limit(client, services) -> None:
    made = [make_ticket() for _ in range(5)]
    newest_first = [t.number for t in reversed(made)]
    assert ids(client.get("/open311/v2/requests.json")) == newest_first
    assert ids(client.get("/open311/v2/requests.json?page_size=2&page=2")) == newest_first[2:4]
    assert ids(client.get("/open311/v2/requests.json?page_size=2&page=4")) == []
    assert errors(client.get("/open311/v2/requests.json?page_size=1001"), 400) == ["page_size: 不能大于 1000"]
    assert errors(client.get("/open311/v2/requests.json?page=0"), 400) == ["page: 不能小于 1"]
    assert errors(client.get("/open311/v2/requests.json?page=two"), 400) == ["page: 须为数字"]


def test_a_bad_parameter_is_named_in_chinese_not_in_pydantics_english(client, services) -> None:
    for query in ("start_date=2026-1", "end_date=yesterday", "extensions=maybe", "page=0&page_size=0"):
        found = errors(client.get(f"/open311/v2/requests.json?{query}"), 400)
        assert found and all(not e.split(": ", 1)[1].isascii() for e in found), found
    assert errors(client.get("/open311/v2/requests.json?start_date=2026-1"), 400) == [
        "start_date: 日期时间格式不正确"
    ]


def test_updated_after_finds_an_old_request_changed_lately(client, services) -> None:
    old = _aged(make_ticket(), 200)
    Ticket.objects.filter(pk=old.pk).update(updated_at=clock.now() - timedelta(days=1))
    after = (clock.now() - timedelta(days=3)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"updated_after": after})) == [old.number]
    before = (clock.now() - timedelta(days=2)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"updated_before": before})) == []


def test_no_citizen_data_leaves_in_get_requests(client, services) -> None:
    ticket = make_ticket(content="我是张先生，电话13812341234，另一个号码 0571-87654321，幸福路路灯坏了。")
    Appeal.objects.filter(ticket=ticket).update(citizen_name="张先生")
    for path in (
        "/open311/v2/requests.json?extensions=true",
        "/open311/v2/requests.xml?extensions=true",
        f"/open311/v2/requests/{ticket.number}.json?extensions=true",
    ):
        text = client.get(path).content.decode()
        assert "幸福路路灯坏了" in text
        for secret in ("13812341234", "张先生", "87654321"):
            assert secret not in text, (path, secret)


def test_no_number_a_citizen_wrote_leaves_in_a_description(client, services) -> None:
    # Written as citizens write them: +86 with spaces, split by dashes, after Latin letters, an
    # identity-card number, a local number given to call, the caller's own without a label.
    content = (
        "手机+86 139 1234 5678，备用138-0013-8000，微信wx13700137000，身份证11010519900307123X，"
        "电话 6666 7777，家里88881234也可以，幸福路路灯坏了。"
    )
    ticket = make_ticket(content=content, phone="88881234")
    [shown] = client.get("/open311/v2/requests.json").json()
    assert shown["service_request_id"] == ticket.number
    assert shown["description"] == (
        "手机***，备用***，微信wx***，身份证***，电话 ***，家里***也可以，幸福路路灯坏了。"
    )
    # A caller's number in a form no pattern knows, written as they gave it.
    other = make_ticket(content="路灯坏了，请回拨111111111。", phone="111111111")
    [shown] = client.get(f"/open311/v2/requests/{other.number}.json").json()
    assert shown["description"] == "路灯坏了，请回拨***。"


def test_an_invalid_appeal_shows_no_text(client, services) -> None:
    ticket = make_ticket(content="骂人的话")
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.INVALID)
    [shown] = client.get(f"/open311/v2/requests/{ticket.number}.json").json()
    assert shown["status"] == "closed" and shown["description"] is None


def test_extensions_show_the_channel_the_chinese_status_and_the_history(client, services, staff) -> None:
    ticket = make_ticket()
    do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=staff["housing"].department_id)
    [shown] = client.get(f"/open311/v2/requests/{ticket.number}.json?extensions=true").json()
    extended = shown["extended_attributes"]
    assert extended["channel"] == "phone" and extended["channel_name"] == "电话"
    assert (extended["ticket_status"], extended["ticket_status_name"]) == ("dispatched", "已派单")
    assert shown["agency_responsible"] == "住建局" and shown["expected_datetime"]
    assert [n["type"] for n in shown["notes"]] == ["receive", "dispatch"]
    assert shown["notes"][1]["description"] == "已转交 住建局 办理"
    assert "extended_attributes" not in client.get(f"/open311/v2/requests/{ticket.number}.json").json()[0]
    assert errors(client.get(f"/open311/v2/requests/{ticket.number}.json?extensions=maybe"), 400)

    duplicate = make_ticket()
    do_merge_ticket(duplicate, staff["dispatcher"], into_ticket_id=ticket.pk)
    listed = {
        r["service_request_id"]: r for r in client.get("/open311/v2/requests.json?extensions=true").json()
    }
    merged = listed[duplicate.number]
    assert merged["status"] == "closed"
    assert merged["extended_attributes"]["duplicate"] is True
    assert merged["extended_attributes"]["parent_service_request_id"] == ticket.number
    assert TicketEvent.objects.filter(ticket=duplicate, action="merge").exists()


def test_many_requests_with_their_history_take_a_fixed_number_of_queries(
    client, services, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        make_ticket()
    with django_assert_max_num_queries(14):
        assert len(client.get("/open311/v2/requests.json?extensions=true").json()) == 3
    for _ in range(10):
        make_ticket()
    with django_assert_max_num_queries(14):
        assert len(client.get("/open311/v2/requests.json?extensions=true").json()) == 13


def test_a_token_resolves_and_an_unknown_one_is_404(client, services, api_key) -> None:
    number = post(client, form(api_key)).json()[0]["service_request_id"]
    token = Submission.objects.get().token
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": number, "token": token}
    ]
    assert errors(client.get("/open311/v2/tokens/nope.json"), 404)


def test_media_urls_name_only_open311_photos_and_cannot_be_forged(client, services, api_key, staff) -> None:
    photo = SimpleUploadedFile("lamp.jpg", JPEG, content_type="image/jpeg")
    number = post(client, {**form(api_key), "media": photo}).json()[0]["service_request_id"]
    url = client.get(f"/open311/v2/requests/{number}.json").json()[0]["media_url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    # Another id under the same signature, or a changed signature, names nothing.
    assert (
        Client().get(url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    )
    assert Client().get("/open311/v2/media/1").status_code == 404

    # A photo that came by another channel (a grid worker's) stays with the staff: not in the
    # public output, and not served even at a correctly signed address.
    ticket = make_ticket(actor=staff["operator"], channel=Channel.GRID)
    grid_photo = attachments.store_bytes(ticket.appeals.get(), JPEG, "image/jpeg")
    shown = client.get(f"/open311/v2/requests/{ticket.number}.json").json()[0]
    assert shown.get("media_url") in (None, "")
    signed = reverse("open311:media", kwargs={"token": signing.dumps(grid_photo.pk, salt=media.SALT)})
    assert Client().get(signed).status_code == 404


def test_media_is_counted_per_address_in_the_clients_rate(client, services, api_key, settings) -> None:
    """The photos are fetched without an api_key, by whoever reads the requests: each address is one
    client of the rate, as for the other reads without a key."""
    photo = SimpleUploadedFile("lamp.jpg", JPEG, content_type="image/jpeg")
    number = post(client, {**form(api_key), "media": photo}).json()[0]["service_request_id"]
    url = client.get(f"/open311/v2/requests/{number}.json?api_key={api_key}").json()[0]["media_url"]
    settings.HOTLINE = {**settings.HOTLINE, "OPEN311_THROTTLE": {"FAILURES": 2, "WINDOW": 60, "COOL_OFF": 30}}

    def status(reader: Client) -> int:
        response = reader.get(url)
        assert b"".join(response.streaming_content) == JPEG  # read to the end, which closes the file
        return response.status_code

    reader = Client(REMOTE_ADDR="10.9.9.9")
    assert status(reader) == 200 and status(reader) == 200
    refused = reader.get(url)
    assert refused["Content-Type"].startswith("application/json")
    assert errors(refused, 429) and 0 < int(refused["Retry-After"]) <= 30
    assert status(Client(REMOTE_ADDR="10.9.9.10")) == 200
