"""A signature header that is not ASCII (a raw byte such as \\xe9, or "签名") is a bad signature like
any other: 401, logged, and counted by the same throttle, never a 500."""

import json
import logging

import pytest

from hotline.intake.channels import webhooks
from hotline.intake.models import Appeal
from tests.intake.test_webhooks import APPEAL, SECRET, now_seconds, post, wechat  # noqa: F401  (the channel)

pytestmark = pytest.mark.django_db


def headers(signature: str, timestamp: str | None = None) -> dict[str, str]:
    return {
        webhooks.TIMESTAMP_HEADER: timestamp or str(now_seconds()),
        webhooks.SIGNATURE_HEADER: signature,
    }


@pytest.mark.parametrize(
    "signature",
    [
        "签名",
        "sha256=签名",
        "sha256=\xe9" + "0" * 63,  # a latin-1 byte, as WSGI hands a raw \xe9 to Django
        "sha256=" + "é" * 64,
    ],
)
def test_a_signature_that_is_not_ascii_is_refused_and_logged(
    wechat,  # noqa: F811
    frozen_clock,
    caplog,
    signature: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="hotline.intake.channels.webhooks"):
        response = post(json.dumps(APPEAL).encode(), headers=headers(signature))
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "webhook of channel wechat refused" in caplog.text
    assert not Appeal.objects.exists()


def test_a_timestamp_in_other_digits_is_refused(wechat, frozen_clock) -> None:  # noqa: F811
    raw = json.dumps(APPEAL).encode()
    # "١٧٦٤٦٧٢٠٠٠" are digits to str.isdigit and int(); a timestamp is ASCII.
    arabic = str(now_seconds()).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = post(raw, headers=headers(webhooks.sign(SECRET, arabic, raw), arabic))
    assert response.status_code == 401, response.content
    assert "X-Hotline-Timestamp" in response.json()["detail"]


def test_a_flood_of_non_ascii_signatures_is_throttled(wechat, frozen_clock, settings) -> None:  # noqa: F811
    settings.HOTLINE = {**settings.HOTLINE, "TOKEN_THROTTLE": {"FAILURES": 3, "WINDOW": 60, "COOL_OFF": 300}}
    raw = json.dumps(APPEAL).encode()
    statuses = [post(raw, headers=headers("sha256=签名")).status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
