"""The supervisor's day on the pages they work in: the early warnings (预警) read a page at a time,
down to the oldest, and decided one after another from where the last one was; a kept report made
again from the page and list it was found in; the orders the sweep opened listed apart."""

import re
from datetime import date, timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import ReportScope, SupervisionKind, WarningStatus
from hotline.supervision.actions import do_open_supervision
from hotline.supervision.models import Supervision
from hotline.supervision.sweep import run_sweep
from hotline.web.models import KeptReport
from tests.factories import EarlyWarningFactory
from tests.web.conftest import NOW
from tests.web.test_supervision_board import fresh, late, numbers

pytestmark = pytest.mark.django_db


def warnings_on(page: str) -> list[str]:
    return re.findall(r'id="(warning-\d+)"', page)


def test_every_decided_warning_can_be_reached_a_page_at_a_time(client, staff) -> None:
    now = clock.now()
    made = [
        EarlyWarningFactory(
            title=f"预警{n:03d}",
            raised_at=now - timedelta(hours=n),
            status=WarningStatus.DISMISSED,
            decided_by=staff["supervisor"],
            decided_at=now,
            note="误报",
        )
        for n in range(57)
    ]
    client.force_login(staff["supervisor"])
    seen: list[str] = []
    path = "/supervision/warnings/?view=decided"
    while path:
        page = client.get(path).content.decode()
        assert "<strong>57</strong> 已研判" in page
        seen += warnings_on(page)
        found = re.search(r'<a rel="next" href="\?([^"]+)"', page)
        path = f"/supervision/warnings/?{found[1].replace('&amp;', '&')}" if found else ""
    # The oldest too (预警056 was on no page: only the newest 50 were listed, with no way on).
    assert seen == [f"warning-{w.pk}" for w in made]


def test_a_warning_decided_on_a_later_page_comes_back_to_that_page(client, staff) -> None:
    now = clock.now()
    made = [EarlyWarningFactory(title=f"预警{n:03d}", raised_at=now - timedelta(hours=n)) for n in range(25)]
    client.force_login(staff["supervisor"])
    here = "/supervision/warnings/?view=open&offset=20"
    page = client.get(here).content.decode()
    last = made[-1]
    form = page[page.index(f'action="/supervision/warnings/{last.pk}/decide/"') :]
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in form[: form.index("</form>")]
    response = client.post(
        f"/supervision/warnings/{last.pk}/decide/", {"status": "dismissed", "note": "误报", "next": here}
    )
    assert response.status_code == 302 and response["Location"] == here
    # A `next` that leads off the warnings goes to the warnings all the same.
    response = client.post(
        f"/supervision/warnings/{made[0].pk}/decide/",
        {"status": "confirmed", "note": "", "next": "https://example.com/"},
    )
    assert response["Location"] == "/supervision/warnings/"


def test_a_kept_report_remade_from_a_filtered_later_page_comes_back_there(
    client, staff, settings, tmp_path
) -> None:
    settings.HOTLINE_HOME = tmp_path
    rows = [
        KeptReport.objects.create(
            kind="daily",
            first_day=date(2025, 6, 1) + timedelta(days=n),
            last_day=date(2025, 6, 1) + timedelta(days=n),
            scope=ReportScope.CITY,
            scope_name="示范市",
            generated_at=clock.now(),
        )
        for n in range(25)
    ]
    client.force_login(staff["supervisor"])
    here = "/reports/kept/?kind=daily&scope=city&offset=20"
    page = client.get(here).content.decode()
    oldest = rows[0]
    form = page[page.index(f'action="/reports/kept/{oldest.pk}/remake"') :]
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in form[: form.index("</form>")]
    done = client.post(f"/reports/kept/{oldest.pk}/remake", {"reason": "数据不完整", "next": here})
    assert done.status_code == 302 and done["Location"] == f"{here}#kept-{oldest.pk}"
    # The row is on that page still, where the link's fragment finds it.
    assert f'id="kept-{oldest.pk}"' in client.get(here).content.decode()
    done = client.post(f"/reports/kept/{oldest.pk}/remake", {"reason": "再做一次", "next": "/overview/"})
    assert done["Location"] == f"/reports/kept/#kept-{oldest.pk}"


@pytest.mark.usefixtures("at_now")
def test_the_orders_the_sweep_opened_are_listed_apart_from_those_opened_by_hand(
    client, staff, departments
) -> None:
    marked = late(staff, departments, title="巡检督办的", lead="water")
    by_hand = fresh(staff, departments, title="人工挂牌的")
    run_sweep(NOW)
    swept = Supervision.objects.get(created_by=None)
    assert swept.ticket == marked
    do_open_supervision(by_hand, staff["supervisor"], kind=SupervisionKind.LISTING, reason="群众反映强烈")
    client.force_login(staff["supervisor"])

    page = client.get("/supervision/", {"view": "supervised", "origin": "sweep"}).content.decode()
    assert numbers(page) == [marked.number]
    assert re.search(r'id="board-summary">\s*督办中工单 ·\s*1 条\s', page)
    assert '<option value="sweep" selected>系统巡检发起</option>' in page
    page = client.get("/supervision/", {"view": "supervised", "origin": "hand"}).content.decode()
    assert numbers(page) == [by_hand.number]
    # With a kind as well; and a word it does not know lists them all.
    page = client.get("/supervision/", {"view": "supervised", "origin": "sweep", "kind": "listing"})
    assert numbers(page.content.decode()) == []
    page = client.get("/supervision/", {"view": "supervised", "origin": "junk"}).content.decode()
    assert numbers(page) == [by_hand.number, marked.number]
