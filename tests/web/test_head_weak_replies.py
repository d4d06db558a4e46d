"""A unit head (单位负责人) sees their unit's share of weak replies (答复质量存疑率): in their unit's
report, for the unit and each unit under it that replied, with a read-only list of those weak
replies; never another unit's, and reviewing stays with dispatchers and supervisors."""

import io
import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from hotline.core import clock
from hotline.feedback.models import ReplyCheck
from tests.feedback.test_quality import FORMULA, FULL
from tests.tickets.conftest import Flow

SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE = datetime(2025, 6, 10, 9, 30, tzinfo=SHANGHAI)
JULY = datetime(2025, 7, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def replies(staff, departments) -> dict[str, int]:
    """In June 和平街道 (under 东城区) sent a weak reply and a good one; 住建局 a weak one."""
    flow = Flow(staff, departments)
    sent = {}
    with clock.frozen_at(JUNE):
        for name, lead, text in (
            ("street_weak", "street", FORMULA),
            ("street_good", "street", FULL),
            ("housing_weak", "housing", FORMULA),
        ):
            ticket = flow.accept(flow.dispatch(flow.new(), lead=lead, co=()), lead)
            ticket = flow.reply(ticket, lead, text=text)
            sent[name] = ticket.number
    assert ReplyCheck.objects.filter(weak=True).count() == 2
    return sent


def get(client, user, path: str, **params):
    client.force_login(user)
    with clock.frozen_at(JULY):
        return client.get(path, params)


def test_a_district_head_reads_their_units_share_and_its_weak_replies(client, staff, replies) -> None:
    head = staff["district_head"]  # 东城区, 和平街道 under it
    html = get(client, head, "/reports/", kind="monthly", date="2025-06-15").content.decode()
    start = html.index('id="report-weak-replies"')
    section = html[start : html.index("</table>", start)]
    assert "和平街道" in section and "50.0%" in section and "住建局" not in section
    links = [unescape(h) for h in re.findall(r'href="(/replies/flagged/\?[^"]+)"', section)]
    assert links, section
    listed = get(client, head, links[0])
    assert listed.status_code == 200
    page = listed.content.decode()
    assert replies["street_weak"] in page
    assert replies["housing_weak"] not in page and replies["street_good"] not in page
    assert 'name="note"' not in page  # read-only: no review form
    # The list of their units' weak replies, unreviewed by default, is theirs too (no 403).
    own = get(client, head, "/replies/flagged/")
    assert own.status_code == 200 and replies["street_weak"] in own.content.decode()
    assert replies["housing_weak"] not in own.content.decode()


def test_a_head_cannot_review_nor_read_another_units(client, staff, departments, replies) -> None:
    head = staff["district_head"]
    check = ReplyCheck.objects.get(reply__ticket__number=replies["street_weak"])
    client.force_login(head)
    with clock.frozen_at(JULY):
        assert client.post(f"/replies/{check.reply_id}/review/", {"note": "ok"}).status_code == 403
    other = get(client, head, "/replies/flagged/", department=departments["housing"].pk, reviewed="all")
    assert other.status_code == 403


def test_a_handler_still_cannot_see_the_list(client, staff, replies) -> None:
    assert get(client, staff["street"], "/replies/flagged/").status_code == 403


def test_the_units_report_file_has_the_share_too(client, staff, replies) -> None:
    download = get(
        client, staff["district_head"], "/reports/download", kind="monthly", date="2025-06-15", format="xlsx"
    )
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content))["答复质量存疑率"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [["东城区（含下属单位）合计", 2, 1, 50.0], ["和平街道", 2, 1, 50.0]]
