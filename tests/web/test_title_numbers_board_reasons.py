"""The reason that the sweep writes for the 督办 it opens names the ticket by its title as it was
("工单 …「回电13912345678 路灯不亮」已超期，督办。"): on the supervision board that line is under
the row's title, and masks the numbers in it as the title does, whoever reads it."""

import pytest
from django.test import Client

from hotline.accounts.models import ApiToken
from hotline.core.enums import SupervisionKind
from hotline.supervision import wording
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.supervision.sweep import run_sweep
from tests.web.conftest import NOW
from tests.web.test_title_numbers_supervision import DIGITS, MASKED, ticket  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.mark.parametrize("role", ["leader", "supervisor"])
def test_the_sweeps_reason_on_the_board_masks_the_title(client, staff, ticket, role) -> None:  # noqa: F811
    run_sweep(NOW)
    by_sweep = Supervision.objects.get(ticket=ticket, created_by=None)
    assert "13912345678" in by_sweep.reason_text  # as stored: what the sweep read
    client.force_login(staff[role])
    response = client.get("/supervision/", {"view": "supervised"})
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="row-s{by_sweep.pk}"') :]
    row = row[: row.index("</li>\n")] if "</li>\n" in row else row
    assert f"「{MASKED}」" in row
    for digits in DIGITS:
        assert digits not in html, digits


def test_a_leaders_notice_of_a_listing_masks_the_title(client, staff, ticket) -> None:  # noqa: F811
    """A 挂牌督办 is told to the city's leaders, in a sentence that names the ticket by its title:
    their inbox masks the numbers in it, as a list masks the title."""
    do_open_supervision(ticket, staff["supervisor"], reason="群众反映强烈", kind=SupervisionKind.LISTING)
    client.force_login(staff["leader"])
    html = client.get("/notifications/").content.decode()
    assert "被挂牌督办：群众反映强烈" in html
    assert f"「{MASKED}」被挂牌督办：群众反映强烈" in html
    for digits in DIGITS:
        assert digits not in html, digits


def test_a_places_label_in_the_sweeps_reason_is_masked_too() -> None:
    """A repeated place is named by the address a caller gave, their own words as a title is."""
    text = wording.stored(
        "repeated_place",
        label="幸福路12号 电话13912345678",
        days=7,
        n=3,
        number="20250604-000001",
        title="路灯不亮",
    )
    shown = wording.shown_masked(text)
    assert "幸福路12号 电话***" in shown and "20250604-000001" in shown
    assert "13912345678" not in shown


def test_the_api_masks_the_title_in_the_sweeps_reason(staff, ticket) -> None:  # noqa: F811
    """`GET /api/v1/supervisions` keeps the sweep's sentence as stored (the city's language), its
    title's numbers masked as the board masks them; a reason a person typed stays as typed."""
    run_sweep(NOW)
    by_sweep = Supervision.objects.get(ticket=ticket, created_by=None)
    _token, raw = ApiToken.issue(staff["leader"], name="test")
    items = Client().get("/api/v1/supervisions", headers={"Authorization": f"Bearer {raw}"}).json()["items"]
    (shown,) = [s["reason_text"] for s in items if s["id"] == by_sweep.pk]
    assert f"「{MASKED}」" in shown and ticket.number in shown
    for digits in DIGITS:
        assert digits not in shown, digits


def test_the_notifications_api_masks_the_title_in_a_leaders_notice(staff, ticket) -> None:  # noqa: F811
    """The notice of a 挂牌督办 to the city's leaders, through `GET /api/v1/notifications`: as
    stored, its title's numbers masked as the inbox masks them."""
    do_open_supervision(ticket, staff["supervisor"], reason="群众反映强烈", kind=SupervisionKind.LISTING)
    _token, raw = ApiToken.issue(staff["leader"], name="test")
    items = Client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {raw}"}).json()["items"]
    messages = [n["message"] for n in items if "被挂牌督办" in n["message"]]
    assert messages and all(f"「{MASKED}」被挂牌督办：群众反映强烈" in m for m in messages)
    for digits in DIGITS:
        assert all(digits not in m for m in messages), digits
