"""The dispatch queue's duplicate candidates: each card loads the tickets most like its ticket, with
score and reason, and merges it into one of them or links the two in one click."""

import re
from datetime import timedelta

import pytest

from hotline.accounts.models import ApiToken
from hotline.core import clock
from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.dedup.search import similar
from hotline.tickets.models import Ticket, linked_ids
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# What the card's 确认合并至 button posts with the candidate (the merge the dispatcher confirmed).
CONFIRMED = {"confirm": "1"}


def candidates(page: str) -> list[str]:
    return re.findall(r'class="similar-ticket[^"]*" data-number="([^"]+)"', page)


def three_calls(staff, now) -> tuple[Ticket, Ticket, Ticket]:
    """Three waiting tickets received 3, 2 and 1 hours before `now`: the first and the last about
    one street light, the middle about a manhole cover."""
    with clock.frozen_at(now - timedelta(hours=3)):
        older = make_ticket(actor=staff["operator"], title="幸福路路灯不亮")
    with clock.frozen_at(now - timedelta(hours=2)):
        middle = make_ticket(actor=staff["operator"], title="人民路井盖缺失", content="人民路3号井盖没了。")
    with clock.frozen_at(now - timedelta(hours=1)):
        newer = make_ticket(actor=staff["operator"], title="幸福路12号路灯坏了")
    return older, middle, newer


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
    response = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk, **CONFIRMED}, **HTMX)
    assert response.status_code == 200
    assert f"{lamp.number} 已合并至 {earlier.number}" in response.content.decode()
    lamp.refresh_from_db()
    assert (lamp.status, lamp.merged_into) == (TicketStatus.MERGED, earlier)
    assert lamp.number not in client.get("/dispatch/").content.decode()

    # A refused merge says why in the card and changes nothing.
    other = waiting[1]
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.CLOSED)
    response = client.post(
        f"/dispatch/{other.pk}/merge/", {"into_ticket_id": earlier.pk, **CONFIRMED}, **HTMX
    )
    assert response.status_code == 409 and "不能并入" in response.content.decode()
    other.refresh_from_db()
    assert other.status == TicketStatus.NEW
    assert client.post(f"/dispatch/{other.pk}/merge/", CONFIRMED, **HTMX).status_code == 422
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
    response = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk, **CONFIRMED}, **HTMX)
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
    assert earlier.number not in candidates(page) and "没有疑似重复的工单" in page

    client.force_login(staff["operator"])
    console = client.get("/console/similar/", {"title": lamp.title, "content": lamp.content}).content.decode()
    assert earlier.number not in candidates(console)
    assert earlier in [m.ticket for m in similar(lamp.title + lamp.content)]  # what the API answers


# --- a merge is confirmed first --------------------------------------------------------------------


def test_a_merge_from_the_queue_is_asked_for_before_anything_is_merged(
    client, staff, waiting, earlier
) -> None:
    """合并至 asks first (the appellants get the other ticket's answer): in the card, the question with
    确认合并至 and 取消, shown by the page's script; a POST without `confirm` merges nothing."""
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    page = client.get(f"/dispatch/{lamp.pk}/similar/", **HTMX).content.decode()
    row = page[page.index(f'data-number="{earlier.number}"') :]
    row = row[: row.index("</li>")]
    ask = f"merge-{lamp.pk}-{earlier.pk}"
    # The button asks (site.js, data-confirm) or, without JavaScript, goes to the page that asks.
    assert re.search(
        rf'<form class="inline" method="get" action="/dispatch/{lamp.pk}/merge/" data-confirm="{ask}">', row
    )
    question = row[row.index(f'id="{ask}"') :]
    assert "hidden" in question[: question.index(">")] and 'role="group"' in question[: question.index(">")]
    assert f"将 {lamp.number} 合并至 {earlier.number}？" in question and "其诉求人将收到" in question
    assert '<input type="hidden" name="confirm" value="1">' in question
    assert (
        f"确认合并至 {earlier.number}</button>" in question
        and "data-confirm-cancel>取消</button>" in question
    )

    # Posted without the confirmation, by htmx or not: nothing merged, the page that asks instead.
    asking = f"/dispatch/{lamp.pk}/merge/?into_ticket_id={earlier.pk}"
    for headers, answer in ((HTMX, 204), ({}, 302)):
        response = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk}, **headers)
        assert response.status_code == answer
        assert response.get("HX-Redirect", response.get("Location")) == asking
    refused = client.post(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk, "confirm": "yes"})
    assert refused.status_code == 302 and refused["Location"] == asking
    lamp.refresh_from_db()
    assert (lamp.status, lamp.merged_into) == (TicketStatus.NEW, None)
    assert not lamp.events.filter(action="merge").exists()


def test_without_javascript_the_merge_is_confirmed_on_a_page(client, staff, waiting, earlier) -> None:
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    response = client.get(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>确认合并</h1>" in page
    assert f"将 {lamp.number} 合并至 {earlier.number}？" in page
    assert lamp.title in page and earlier.title in page and "可在工单页撤销合并" in page
    form = page[page.index(f'<form method="post" action="/dispatch/{lamp.pk}/merge/"') :]
    form = form[: form.index("</form>")]
    assert f'name="into_ticket_id" value="{earlier.pk}"' in form and 'name="confirm" value="1"' in form
    assert f"autofocus>确认合并至 {earlier.number}</button>" in form  # the keyboard starts on it
    assert f'href="/dispatch/#ticket-{lamp.pk}" class="cancel">取消</a>' in form
    lamp.refresh_from_db()
    assert lamp.status == TicketStatus.NEW  # asking changes nothing

    response = client.post(
        f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk, "confirm": "1", "note": "同一路灯"}
    )
    assert response.status_code == 302 and response["Location"] == "/dispatch/"
    assert f"{lamp.number} 已合并至 {earlier.number}" in client.get("/dispatch/").content.decode()
    lamp.refresh_from_db()
    assert (lamp.status, lamp.merged_into) == (TicketStatus.MERGED, earlier)
    assert lamp.events.get(action="merge").details["note"] == "同一路灯"


def test_the_page_that_asks_says_what_is_wrong_with_the_question(client, staff, waiting, earlier) -> None:
    lamp = waiting[0]
    client.force_login(staff["dispatcher"])
    for query in ({}, {"into_ticket_id": "abc"}, {"into_ticket_id": 999999}):
        response = client.get(f"/dispatch/{lamp.pk}/merge/", query)
        assert response.status_code == 302 and response["Location"] == "/dispatch/"
    assert "工单 999999 不存在" in client.get("/dispatch/").content.decode()
    assert client.get("/dispatch/999999/merge/", {"into_ticket_id": earlier.pk}).status_code == 404
    client.force_login(staff["operator"])  # the queue is the dispatchers'
    assert client.get(f"/dispatch/{lamp.pk}/merge/", {"into_ticket_id": earlier.pk}).status_code == 403


# --- how long a merged ticket has waited ------------------------------------------------------------


def test_a_ticket_an_earlier_call_was_merged_into_waits_in_the_queue_from_that_call(
    client, staff, waiting, monkeypatch
) -> None:
    """Merging the older of two waiting duplicates into the newer one does not send its caller to
    the back of the queue: the ticket waits from the earlier call, and the card says so."""
    lamp, road = waiting  # received now; the road is urgent
    now = clock.now()
    older, middle, newer = three_calls(staff, now)
    client.force_login(staff["dispatcher"])
    order = [t.number for t in (road, older, middle, newer, lamp)]
    page = client.get("/dispatch/").content.decode()
    assert sorted(order, key=page.index) == order

    response = client.post(f"/dispatch/{older.pk}/merge/", {"into_ticket_id": newer.pk, **CONFIRMED}, **HTMX)
    assert response.status_code == 200
    newer.refresh_from_db()
    assert newer.created_at == now - timedelta(hours=1)  # its own receipt (number, figures) stays
    assert newer.waiting_since == newer.earliest_received_at == older.created_at
    page = client.get("/dispatch/").content.decode()
    order = [t.number for t in (road, newer, middle, lamp)]  # the newer ticket waits from 3 hours ago
    assert sorted(order, key=page.index) == order
    card = page[page.index(f'id="ticket-{newer.pk}"') :]
    card = card[: card.index("</header>")]
    first = clock.localtime(older.created_at).strftime("%Y-%m-%d %H:%M")
    assert f"并入的重复诉求最早受理于 {first}（已等待 3" in card

    # A page at a time: the next page starts after the last card by the same order.
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 1)
    seen = []
    url: str | None = "/dispatch/"
    while url is not None:
        shown = client.get(url).content.decode()
        seen += [n for n in order if f'data-number="{n}"' in shown]
        url = _next(shown)
    assert seen == order


def _next(page: str) -> str | None:
    """The 下一页 link's address, or None."""
    if 'id="next-page"' not in page:
        return None
    return "/dispatch/" + page.split('id="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace(
        "&amp;", "&"
    )


def test_the_apis_dispatch_queue_orders_a_merged_ticket_by_its_earliest_call(client, staff, waiting) -> None:
    """`GET /api/v1/routing/queue` is the desk's order (`routing.selectors.dispatch_queue`): the
    ticket an earlier call was merged into waits from that call there too."""
    now = clock.now()
    older, middle, newer = three_calls(staff, now)
    client.force_login(staff["dispatcher"])
    client.post(f"/dispatch/{older.pk}/merge/", {"into_ticket_id": newer.pk, **CONFIRMED}, **HTMX)
    _token, raw = ApiToken.issue(staff["dispatcher"], name="test")
    items = client.get("/api/v1/routing/queue", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    numbers = [item["number"] for item in items]
    assert numbers.index(newer.number) < numbers.index(middle.number)
    assert older.number not in numbers
