"""The ticket page's 合并到另一工单 offers the tickets it likely duplicates, as the dispatch queue's
card does; a person otherwise had to find the other ticket's number elsewhere and type it
(audit of 2026-12-06)."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_the_merge_form_offers_the_likely_duplicates(client, staff, waiting) -> None:
    lamp = waiting[0]
    earlier = make_ticket(
        actor=staff["operator"], title="小区门口路灯不亮请回电13912345678", phone="13700001111"
    )
    embed_missing()
    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{lamp.number}/").content.decode()
    merge = page[page.index("合并到另一工单") :]
    merge = merge[: merge.index("</details>")]
    assert f'<option value="{earlier.number}">' in merge
    assert f'data-number="{earlier.number}"' in merge and "得分" in merge
    assert 'list="merge-candidates"' in merge
    assert "13912345678" not in merge  # listed as lists show titles
    assert lamp.number not in merge.split('list="merge-candidates"')[0].split("<ul", 1)[1]  # never itself

    # Picked from the list, the merge goes as a typed number does.
    response = client.post(f"/tickets/{lamp.number}/do/merge/", {"into_number": earlier.number, "note": ""})
    assert response.status_code in (200, 302)
    lamp.refresh_from_db()
    assert (lamp.status, lamp.merged_into) == (TicketStatus.MERGED, earlier)


def test_no_list_when_nothing_is_alike(client, staff, waiting) -> None:
    embed_missing()
    client.force_login(staff["dispatcher"])
    page = client.get(f"/tickets/{waiting[1].number}/").content.decode()
    assert "合并到另一工单" in page
    assert 'list="merge-candidates"' not in page and "疑似重复的工单" not in page
