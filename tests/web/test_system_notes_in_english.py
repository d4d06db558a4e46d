"""The notes the pages' own actions write on a ticket (a call merged into or linked to a ticket at
the console, on its timeline; a rating the citizen gave on the portal, with its callback) and the
leaders' notices (an early warning, the reports made) are stored in the city's language whatever
the language of the person who acted, and read in the reader's: a row stored before reads the
same."""

import html
from typing import Any

import pytest

from hotline.core.enums import EventType, NotificationReason, Role, Satisfaction
from hotline.feedback.models import Callback
from hotline.notifications.actions import do_notify
from hotline.tickets.models import Ticket, TicketEvent
from tests.web.test_console import call
from tests.web.test_portal import _media, rate, replied  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def page(client: Any, user: Any, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("action", "action_type", "stored", "english"),
    [
        ("attach", EventType.MERGE, "受理台：来电并入 {number}", "Console: call merged into {number}"),
        ("link", EventType.LINK, "受理台：来电与 {number} 相关", "Console: call related to {number}"),
    ],
)
def test_a_call_taken_in_english_at_the_console_notes_it_in_the_citys_words(
    client, staff, waiting, action, action_type, stored, english
) -> None:
    target = waiting[0]
    client.force_login(staff["operator"])
    client.cookies["django_language"] = "en"
    assert client.post(f"/console/{action}/{target.pk}/", call()).status_code == 302
    new = Ticket.objects.latest("pk")
    note = TicketEvent.objects.get(ticket=new, action=action_type).details["note"]
    assert note == stored.format(number=target.number)

    assert english.format(number=target.number) in page(
        client, staff["supervisor"], f"/tickets/{new.number}/", "en"
    )
    assert note in page(client, staff["supervisor"], f"/tickets/{new.number}/", "zh-hans")


def test_a_rating_on_the_portal_in_english_is_noted_in_the_citys_words(client, staff, replied) -> None:  # noqa: F811
    client.cookies["django_language"] = "en"
    assert rate(client, replied, Satisfaction.SATISFIED).status_code == 200
    assert Callback.objects.get(ticket=replied).note == "市民在网上门户评价"

    english = page(client, staff["supervisor"], f"/tickets/{replied.number}/", "en")
    assert "Rated by the citizen on the web portal" in english and "市民在网上门户评价" not in english
    assert "市民在网上门户评价" in page(client, staff["supervisor"], f"/tickets/{replied.number}/", "zh-hans")


@pytest.mark.parametrize(
    ("reason", "stored", "english"),
    [
        (
            NotificationReason.EARLY_WARNING,
            "预警：城乡建设 · 东城区：1 日内 7 人反映（8 件诉求），基线 0.5 人",
            "Early warning: 城乡建设 · 东城区: 7 people in 1 days (8 appeals), baseline 0.5 people",
        ),
        (
            NotificationReason.EARLY_WARNING,
            "预警更新：城乡建设 · 东城区：1 日内 7 人反映（8 件诉求），基线 0.5 人"
            "（又触发热点快速增长：幸福小区：垃圾站臭味（近 7 日 12 件，共 30 件））",
            "Warning updated: 城乡建设 · 东城区: 7 people in 1 days (8 appeals), baseline 0.5 people "
            "(Fast-growing hot spot also raised: 幸福小区: 垃圾站臭味 (12 in the last 7 days, 30 in all))",
        ),
        (
            NotificationReason.REPORT,
            "全市月报（2025-06-01 — 2025-06-30）已生成（共 5 份，含各区县、承办单位），"
            "请在“报告 · 已生成报告”中查看。",
            "The citywide monthly report (2025-06-01 — 2025-06-30) is ready (5 reports in all, including "
            "each district and department); see “Reports · Generated reports”.",
        ),
    ],
)
def test_the_leaders_notices_read_in_english(client, staff, reason, stored, english) -> None:
    """As `analytics.early_warning` and the reports' maker store them (the title is the figures' own)."""
    do_notify(key="t-leaders", reason=reason, message=stored, role=Role.LEADER)

    assert english in page(client, staff["leader"], "/notifications/", "en")
    assert stored in page(client, staff["leader"], "/notifications/", "zh-hans")
