"""`POST /api/v1/channels/{channel}/webhook`: an app's or mini-program's appeal, signed with the
channel's secret; a replay, an old timestamp and a bad signature are refused with a JSON 4xx and
logged; a flood of refusals is throttled."""

import base64
import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from hotline.core.enums import Channel
from hotline.intake.channels import webhooks
from hotline.intake.models import Appeal, Attachment, WebhookChannel, WebhookDelivery
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SECRET = "whsec_test-secret-of-the-mini-program"
URL = "/api/v1/channels/wechat/webhook"
APPEAL = {
    "external_id": "wx-20250610-0001",
    "citizen_name": "陈女士",
    "citizen_phone": "13700002222",
    "title": "小区垃圾三天没人清运",
    "content": "光明小区5栋门口的垃圾桶已经满了三天，气味很大。",
    "address": "光明小区5栋",
    "latitude": 31.23,
    "longitude": 121.47,
}


@pytest.fixture
def wechat(db) -> WebhookChannel:
    return WebhookChannel.objects.create(channel=Channel.WECHAT, name="市民通小程序", secret=SECRET)


def post(
    body: dict | bytes,
    *,
    secret: str = SECRET,
    at: int | None = None,
    url: str = URL,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
):
    from hotline.core import clock

    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int((clock.now()).timestamp()) if at is None else at)
    sent = {
        webhooks.TIMESTAMP_HEADER: timestamp,
        webhooks.SIGNATURE_HEADER: signature or webhooks.sign(secret, timestamp, raw),
    }
    if headers is not None:
        sent = headers
    return Client().post(url, raw, content_type="application/json", headers=sent)


def now_seconds() -> int:
    from hotline.core import clock

    return int(clock.now().timestamp())


def test_a_signed_appeal_becomes_a_ticket_of_the_channel(wechat, frozen_clock) -> None:
    response = post(APPEAL)
    assert response.status_code == 201, response.content
    receipt = response.json()
    ticket = Ticket.objects.get(pk=receipt["id"])
    appeal = Appeal.objects.get(ticket=ticket)
    assert (appeal.channel, appeal.external_id, appeal.citizen_phone, appeal.latitude) == (
        Channel.WECHAT,
        "wx-20250610-0001",
        "13700002222",
        31.23,
    )
    assert receipt["number"] == ticket.number and receipt["links"]["ticket"] == f"/api/v1/tickets/{ticket.pk}"
    wechat.refresh_from_db()
    assert wechat.last_used_at == frozen_clock.value


def test_the_same_appeal_signed_afresh_is_the_same_ticket(wechat, frozen_clock) -> None:
    first = post(APPEAL)
    frozen_clock.set(frozen_clock.value + timedelta(seconds=30))
    again = post(APPEAL)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Appeal.objects.count() == 1


def test_a_replay_is_refused_and_logged(wechat, frozen_clock, caplog) -> None:
    raw = json.dumps(APPEAL).encode()
    timestamp = str(now_seconds())
    headers = {
        webhooks.TIMESTAMP_HEADER: timestamp,
        webhooks.SIGNATURE_HEADER: webhooks.sign(SECRET, timestamp, raw),
    }
    assert post(raw, headers=headers).status_code == 201
    frozen_clock.set(frozen_clock.value + timedelta(seconds=10))
    with caplog.at_level(logging.WARNING, logger="hotline.intake.channels.webhooks"):
        replay = post(raw, headers=headers)
    assert replay.status_code == 409
    assert "重复的推送请求" in replay.json()["detail"]
    assert "webhook of channel wechat refused from 127.0.0.1: replay" in caplog.text
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("offset", [-301, 301, -3600 * 24])
def test_a_timestamp_far_from_now_is_refused(wechat, frozen_clock, caplog, offset: int) -> None:
    with caplog.at_level(logging.WARNING, logger="hotline.intake.channels.webhooks"):
        response = post(APPEAL, at=now_seconds() + offset)
    assert response.status_code == 401
    assert "X-Hotline-Timestamp 与当前时间相差超过 300 秒" in response.json()["detail"]
    assert "refused from 127.0.0.1" in caplog.text
    assert not Appeal.objects.exists() and not WebhookDelivery.objects.exists()


def test_a_timestamp_within_the_tolerance_is_taken(wechat, frozen_clock) -> None:
    assert post(APPEAL, at=now_seconds() - 299).status_code == 201


@pytest.mark.parametrize(
    ("case", "complaint"),
    [
        ("other secret", "签名不正确"),
        ("body changed", "签名不正确"),
        ("no signature", "缺少 X-Hotline-Signature"),
        ("no timestamp", "缺少或无法识别 X-Hotline-Timestamp"),
        ("text timestamp", "缺少或无法识别 X-Hotline-Timestamp"),
        ("huge timestamp", "X-Hotline-Timestamp 超出范围"),
    ],
)
def test_a_bad_signature_is_refused_and_logged(
    wechat, frozen_clock, caplog, case: str, complaint: str
) -> None:
    raw = json.dumps(APPEAL).encode()
    timestamp = str(now_seconds())
    good = webhooks.sign(SECRET, timestamp, raw)
    headers = {
        "other secret": {
            webhooks.TIMESTAMP_HEADER: timestamp,
            webhooks.SIGNATURE_HEADER: webhooks.sign("whsec_guess", timestamp, raw),
        },
        "body changed": {webhooks.TIMESTAMP_HEADER: timestamp, webhooks.SIGNATURE_HEADER: good},
        "no signature": {webhooks.TIMESTAMP_HEADER: timestamp},
        "no timestamp": {webhooks.SIGNATURE_HEADER: good},
        "text timestamp": {webhooks.TIMESTAMP_HEADER: "yesterday", webhooks.SIGNATURE_HEADER: good},
        "huge timestamp": {webhooks.TIMESTAMP_HEADER: "9" * 30, webhooks.SIGNATURE_HEADER: good},
    }[case]
    body = raw.replace(b"13700002222", b"13700009999") if case == "body changed" else raw
    with caplog.at_level(logging.WARNING, logger="hotline.intake.channels.webhooks"):
        response = post(body, headers=headers)
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert complaint in response.json()["detail"]
    assert "webhook of channel wechat refused" in caplog.text
    assert not Appeal.objects.exists()


def test_a_channel_without_a_webhook_is_not_found(wechat, frozen_clock) -> None:
    assert post(APPEAL, url="/api/v1/channels/app/webhook").status_code == 404
    assert post(APPEAL, url="/api/v1/channels/fax/webhook").status_code == 404
    WebhookChannel.objects.filter(pk=wechat.pk).update(is_active=False)
    response = post(APPEAL)
    assert response.status_code == 404
    assert response.json() == {"detail": "渠道“wechat”未开通推送接口"}


def test_a_signed_but_invalid_body_is_a_422_naming_the_field(wechat, frozen_clock) -> None:
    response = post({**APPEAL, "title": "", "colour": "red"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"title", "colour"}
    assert post(b"{not json").status_code == 422
    missing = dict(APPEAL)
    del missing["external_id"]
    assert post(missing).json()["errors"][0]["field"] == "external_id"
    assert not Appeal.objects.exists()


def test_after_a_rotation_the_previous_secret_works_for_a_day(wechat, frozen_clock) -> None:
    new = webhooks.do_rotate_secret(wechat)
    assert new != SECRET and new.startswith("whsec_")
    assert post({**APPEAL, "external_id": "a"}, secret=SECRET).status_code == 201
    assert post({**APPEAL, "external_id": "b"}, secret=new).status_code == 201
    frozen_clock.set(frozen_clock.value + timedelta(hours=24, seconds=1))
    assert post({**APPEAL, "external_id": "c"}, secret=SECRET).status_code == 401
    assert post({**APPEAL, "external_id": "d"}, secret=new).status_code == 201


def test_a_flood_of_bad_signatures_is_throttled(wechat, frozen_clock, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "TOKEN_THROTTLE": {"FAILURES": 3, "WINDOW": 60, "COOL_OFF": 300}}
    statuses = [post(APPEAL, secret="whsec_wrong").status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    # Only refusals are counted and checked, as for API tokens: a good signature still goes through.
    assert post(APPEAL).status_code == 201


def test_the_admin_makes_the_secret_and_shows_it_once(admin_client, frozen_clock) -> None:
    response = admin_client.post(
        reverse("admin:intake_webhookchannel_add"),
        {"channel": Channel.APP, "name": "城市服务 App", "is_active": "on"},
        follow=True,
    )
    source = WebhookChannel.objects.get(channel=Channel.APP)
    page = response.content.decode()
    assert source.secret.startswith("whsec_") and source.secret in page
    listing = admin_client.get(reverse("admin:intake_webhookchannel_changelist")).content.decode()
    assert source.secret not in listing and source.secret[:10] in listing
    rotated = admin_client.post(
        reverse("admin:intake_webhookchannel_changelist"),
        {"action": "rotate_secret", "_selected_action": [source.pk]},
        follow=True,
    )
    source.refresh_from_db()
    assert source.secret in rotated.content.decode() and source.previous_secret


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def encoded(name: str, data: bytes) -> dict[str, str]:
    return {"name": name, "content_base64": base64.b64encode(data).decode()}


def test_files_sent_with_the_appeal_are_kept_with_its_ticket_by_their_content(wechat, frozen_clock) -> None:
    body = {**APPEAL, "attachments": [encoded("垃圾桶.jpg", JPEG), encoded("说明.pdf", PDF)]}
    response = post(body)
    assert response.status_code == 201, response.content
    kept = Attachment.objects.filter(appeal__ticket_id=response.json()["id"]).order_by("pk")
    assert [(a.content_type, a.size) for a in kept] == [
        ("image/jpeg", len(JPEG)),
        ("application/pdf", len(PDF)),
    ]
    with kept[0].file.open("rb") as photo:
        assert photo.read() == JPEG

    # The same contact signed afresh is the same ticket, and its files are not kept twice.
    frozen_clock.set(frozen_clock.value + timedelta(seconds=30))
    assert post(body).status_code == 200
    assert Attachment.objects.count() == 2


@pytest.mark.parametrize(
    ("attachment", "says"),
    [
        # A page of HTML named .jpg is not a photo: the type is read from the content.
        (encoded("photo.jpg", b"<html><script>alert(1)</script></html>"), "文件类型不支持"),
        ({"name": "photo.jpg", "content_base64": "not base64!"}, "base64"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    wechat, frozen_clock, attachment, says
) -> None:
    response = post({**APPEAL, "attachments": [encoded("ok.jpg", JPEG), attachment]})
    assert response.status_code in (400, 422), response.content
    assert says in response.content.decode() and "attachments[1]" in response.content.decode()
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert not WebhookDelivery.objects.exists()  # a corrected request may use the same signature


def test_at_most_five_files(wechat, frozen_clock) -> None:
    response = post({**APPEAL, "attachments": [encoded(f"{n}.jpg", JPEG) for n in range(6)]})
    assert response.status_code == 422
    assert not Appeal.objects.exists()
