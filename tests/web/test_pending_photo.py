"""A photo chosen with a form that goes back for a wrong field is kept (`web.pending_photos`): the
page says it is chosen, and the corrected form, sent without choosing it again, is taken with it
as if it had been sent with it; on the grid worker's report page and on the citizens' portal. The
kept photo is the session's own, lasts an hour, and can be removed."""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hotline.core import clock
from hotline.intake.models import Appeal, Attachment
from hotline.web import pending_photos
from tests.web.grid_setup import JPEG, grid_report

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
KEPT = "已选择照片：{name}（无需重新选择）"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worker(signed_in):
    return signed_in


def portal_submit(client: Client, **fields: Any) -> Any:
    data = {
        "kind": "complaint",
        "title": "小区门口路灯不亮",
        "content": "幸福路12号门口的路灯连续三晚不亮，夜里出行不便。",
        "phone": "13912345678",
        "token": uuid.uuid4().hex,
        **fields,
    }
    return client.post("/portal/", {k: v for k, v in data.items() if v is not None})


def kept_token(response: Any) -> str:
    found = re.search(r'name="pending_photo" value="([0-9a-f]{32})"', response.content.decode())
    assert found, "the page carries the kept photo's token"
    return found.group(1)


def pending_files() -> list[str]:
    try:
        return default_storage.listdir(pending_photos.FOLDER)[1]
    except FileNotFoundError:
        return []


def test_the_grid_report_sent_back_for_its_place_keeps_the_photo(worker) -> None:
    photo = SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")
    refused = grid_report(worker, photo=photo, address="")
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "没有取得手机定位：请填写地点" in page
    assert KEPT.format(name="IMG_0001.jpg") in page and 'name="remove_photo"' in page
    token = kept_token(refused)
    assert not Appeal.objects.exists() and len(pending_files()) == 1
    taken = grid_report(worker, address="幸福路 12 号", pending_photo=token)
    assert taken.status_code == 200 and "已上报" in taken.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.appeal == Appeal.objects.get()
    assert (attachment.content_type, attachment.size) == ("image/jpeg", len(JPEG))
    with attachment.file.open("rb") as stored:
        assert stored.read() == JPEG
    assert pending_files() == []  # used: no longer kept
    assert "已选择照片" not in taken.content.decode()  # the next report starts without it


def test_the_portal_sent_back_for_a_bad_phone_keeps_the_photo(client, db) -> None:
    photo = SimpleUploadedFile("门口.png", PNG, content_type="image/png")
    refused = portal_submit(client, phone="12345", photo=photo)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "请填写 11 位手机号码" in page and KEPT.format(name="门口.png") in page
    taken = portal_submit(client, pending_photo=kept_token(refused))
    assert taken.status_code == 200 and 'id="ticket-number"' in taken.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    with attachment.file.open("rb") as stored:
        assert stored.read() == PNG
    assert pending_files() == []


def test_a_photo_kept_twice_over_is_still_taken(client, db) -> None:
    """Sent back twice (a bad phone, then an empty title): the photo stays chosen through both."""
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    first = portal_submit(client, phone="12345", photo=photo)
    second = portal_submit(client, title="", pending_photo=kept_token(first))
    assert second.status_code == 422 and KEPT.format(name="a.png") in second.content.decode()
    assert portal_submit(client, pending_photo=kept_token(second)).status_code == 200
    assert Attachment.objects.get().size == len(PNG)


def test_another_session_cannot_attach_the_kept_photo(client, db) -> None:
    refused = portal_submit(client, phone="12345", photo=SimpleUploadedFile("a.png", PNG))
    token = kept_token(refused)
    other = Client()
    stolen = portal_submit(other, pending_photo=token)
    assert stolen.status_code == 422 and "之前选择的照片已失效" in stolen.content.decode()
    assert not Attachment.objects.exists() and not Appeal.objects.exists()
    # Its owner still can.
    assert portal_submit(client, pending_photo=token).status_code == 200
    assert Attachment.objects.count() == 1


def test_the_kept_photo_can_be_removed(client, db) -> None:
    refused = portal_submit(client, phone="12345", photo=SimpleUploadedFile("a.png", PNG))
    taken = portal_submit(client, pending_photo=kept_token(refused), remove_photo="1")
    assert taken.status_code == 200
    assert Appeal.objects.count() == 1 and not Attachment.objects.exists()
    assert pending_files() == []


def test_a_photo_chosen_anew_replaces_the_kept_one(client, db) -> None:
    refused = portal_submit(client, phone="12345", photo=SimpleUploadedFile("a.png", PNG))
    jpeg = SimpleUploadedFile("b.jpg", JPEG)
    taken = portal_submit(client, pending_photo=kept_token(refused), photo=jpeg)
    assert taken.status_code == 200
    assert Attachment.objects.get().content_type == "image/jpeg"
    assert pending_files() == []


def test_an_invalid_photo_is_refused_next_to_its_field_and_not_kept(client, db) -> None:
    refused = portal_submit(client, phone="12345", photo=SimpleUploadedFile("a.jpg", b"%PDF-1.7 not a photo"))
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "照片须为 JPEG 或 PNG 图片" in page and "已选择照片" not in page
    assert pending_files() == []


def test_a_kept_photo_lasts_an_hour_and_expired_ones_are_deleted(client, db) -> None:
    refused = portal_submit(client, phone="12345", photo=SimpleUploadedFile("a.png", PNG))
    token = kept_token(refused)
    later = clock.now() + pending_photos.LIFETIME + timedelta(minutes=1)
    with clock.frozen_at(later):
        expired = portal_submit(client, pending_photo=token)
        assert expired.status_code == 422 and "之前选择的照片已失效" in expired.content.decode()
        assert not Appeal.objects.exists()
        # The next photo kept, by anyone, clears the expired ones away.
        portal_submit(Client(), phone="12345", photo=SimpleUploadedFile("b.png", PNG))
    assert len(pending_files()) == 1


def test_the_token_is_random() -> None:
    tokens = set()
    for _ in range(3):
        session: Any = {}
        tokens.add(pending_photos.keep(session, SimpleUploadedFile("a.png", PNG), "image/png").token)
    assert len(tokens) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
    for token in tokens:
        default_storage.delete(f"{pending_photos.FOLDER}/{token}")
