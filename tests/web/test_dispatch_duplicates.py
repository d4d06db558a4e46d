"""The dispatch queue's duplicate candidates: each card loads the tickets most like its ticket, with
score and reason, and merges it into one of them or links the two in one click."""

import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.dedup.search import similar
from hotline.tickets.models import Ticket, linked_ids
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def candidates(page: str) -> list[str]:
    return re.findall(r'class="similar-ticket[^"]*" data-number="([^"]+)"', page)


@pytest.fixture
def earlier(staff) -> Ticket:
    """The same lamp reported last week and already being handled: the ticket the queue's one joins."""
    ticket = make_ticket(actor=staff["operator"], title="小区门口路灯不亮", phone="13700001111")
    embed_missing()
    return ticket


def test_each_card_loads_its_candidates(client, staff, waiting, earlier) -> None:
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    queue = client.get("/dispatch/").content.decode()
    assert f'hx-get="/dispatch/{lamp.pk}/similar/"' in queue

    page = client.get(f"/dispatch/{lamp.pk}/similar/", **HTMX).content.decode()
    found = candidates(page)
    assert found[0] == earlier.number and lamp.number not in found  # never itself
    first = page[page.index(f'data-number="{earlier.number}"') :]
    first = first[: first.index("</li>")]
    assert "文本相似" in first and "得分" in first
    # The candidates are similar tickets; only those at the duplicate threshold are marked 疑似重复
    # (the heading said 疑似重复 over unrelated ones too: audit of 2026-12-05).
    assert "<h3>相似工单</h3>" in page and "<h3>疑似重复</h3>" not in page
    assert f'action="/dispatch/{lamp.pk}/merge/"' in first and f'value="{earlier.pk}"' in first
    assert f'action="/dispatch/{lamp.pk}/link/"' in first

    client.force_login(staff["operator"])  # the queue is the dispatchers'
    assert client.get(f"/dispatch/{lamp.pk}/similar/").status_code == 403


def test_merging_from_the_queue_replaces_the_card(client, staff, waiting, earlier) -> None:
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    response = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk}, **HTMX)
    assert response.status_code == 200
    assert f"{lamp.number} 已合并至 {earlier.number}" in response.content.decode()
    lamp.refresh_from_db()
    assert (lamp.status, lamp.merged_into) == (TicketStatus.MERGED, earlier)
    assert lamp.number not in client.get("/dispatch/").content.decode()

    # A refused merge says why in the card and changes nothing.
    other = waiting[1]
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.CLOSED)
    response = client.post(f"/dispatch/{other.pk}/merge/", {"into_ticket_id": earlier.pk}, **HTMX)
    assert response.status_code == 409 and "不能并入" in response.content.decode()
    other.refresh_from_db()
    assert other.status == TicketStatus.NEW
    assert client.post(f"/dispatch/{other.pk}/merge/", {}, **HTMX).status_code == 422


def test_linking_from_the_queue_keeps_the_ticket_queued(client, staff, waiting, earlier) -> None:
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    response = client.post(f"/dispatch/{lamp.pk}/link/", {"other_ticket_id": earlier.pk}, **HTMX)
    assert response.status_code == 200
    assert linked_ids(lamp.pk) == {earlier.pk}
    row = response.content.decode()
    row = row[row.index(f'data-number="{earlier.number}"') :]
    assert "已关联" in row[: row.index("</li>")]
    lamp.refresh_from_db()
    assert lamp.status == TicketStatus.NEW
    # The badge of the ticket just linked says so to a screen reader, and the page's script moves
    # the keyboard on from it (web/static/web/site.js): the 关联 button pressed is gone.
    assert re.search(r'<span class="badge" role="status">已关联</span>', row[: row.index("</li>")])
    response = client.post(f"/dispatch/{lamp.pk}/link/", {"other_ticket_id": earlier.pk}, follow=True)
    assert "已关联" in response.content.decode()  # refused, said on the queue page


def test_a_refused_merge_comes_back_into_the_cards_candidates_not_in_place_of_the_card(
    client, staff, waiting, earlier
) -> None:
    """The merge button's target is the whole card (a merge done replaces it); a refusal sends the
    candidates with the reason, so it is retargeted to the card's candidates: the card stays."""
    lamp = waiting[0]
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.CLOSED)
    client.force_login(staff["dispatcher"])
    response = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk}, **HTMX)
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (f"#similar-{lamp.pk}", "innerHTML")
    assert 'role="alert"' in response.content.decode()


def test_a_candidate_too_weak_for_a_look_is_not_listed(client, staff, waiting, earlier, settings) -> None:
    """The pages list a candidate only from the score worth a person's look (DEDUP SHOWN_FROM); the
    API's search still answers with it, and its score, for a client that sets its own cut."""
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    dedup = settings.HOTLINE["DEDUP"]
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**dedup, "SHOWN_FROM": {"ngram": 0.0, "e5": 0.0}}}
    page = client.get(f"/dispatch/{lamp.pk}/similar/", **HTMX).content.decode()
    score = float(re.search(r"得分 ([0-9.]+)", page[page.index(f'data-number="{earlier.number}"') :])[1])
    assert earlier.number in candidates(page)

    above = {"ngram": score + 0.01, "e5": score + 0.01}
    settings.HOTLINE = {**settings.HOTLINE, "DEDUP": {**dedup, "SHOWN_FROM": above}}
    page = client.get(f"/dispatch/{lamp.pk}/similar/", **HTMX).content.decode()
    assert earlier.number not in candidates(page) and "没有找到相似的工单" in page

    client.force_login(staff["operator"])
    console = client.get("/console/similar/", {"title": lamp.title, "content": lamp.content}).content.decode()
    assert earlier.number not in candidates(console)
    assert earlier in [m.ticket for m in similar(lamp.title + lamp.content)]  # what the API answers
