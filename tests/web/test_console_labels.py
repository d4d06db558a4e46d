"""The operator console's labels end with the colon of the page's language: full-width in Chinese
(渠道：), never the ASCII one Django's Chinese catalogue gives (渠道:)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def labels(page: str) -> list[str]:
    return re.findall(r"<label[^>]*>([^<]*)</label>", page)


def test_the_consoles_labels_end_with_a_full_width_colon(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.get("/console/").content.decode()

    shown = labels(page)
    assert "渠道：" in shown and "来电号码：" in shown and "属地（可选）：" in shown
    assert [label for label in shown if label.endswith(":")] == []


def test_a_form_sent_back_keeps_them(client, staff) -> None:
    client.force_login(staff["operator"])
    page = client.post("/console/", {"channel": "phone", "title": ""}).content.decode()
    assert "标题：" in labels(page) and "标题:" not in page
