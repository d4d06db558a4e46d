"""The dispatcher's pages in Chromium: dispatch from a suggestion, a refusal, a return review, in place."""

import pytest

from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.tickets.models import Ticket, linked_ids
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def focused_card(page, expected: str | None = None, wait_ms: int = 3000) -> str | None:
    """The id of the card holding the keyboard's focus, once it is in one, or in `expected` when
    given (polled: a CSP without 'unsafe-eval' refuses `wait_for_function`; the focus may pass
    through the swapped card on its way to the next one while the page settles)."""
    script = "(() => { const a = document.activeElement.closest('article'); return a ? a.id : null; })()"
    found = None
    for _ in range(wait_ms // 100):
        found = page.evaluate(script)
        if found is not None and expected in (None, found):
            return found
        page.wait_for_timeout(100)
    return found


def test_a_dispatcher_works_the_queue_in_the_browser(page, live_server, staff, departments, waiting) -> None:
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    normal, urgent = waiting

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
    assert page.evaluate("typeof htmx") == "object"  # served from our static files, not a CDN
    cards = page.locator("article.ticket")
    assert cards.count() == 2
    assert cards.nth(0).get_attribute("data-number") == urgent.number  # urgent first
    assert "紧急" in cards.nth(0).inner_text()
    assert "市政设施归口" in cards.nth(0).inner_text()  # the reason for the suggestion
    page.evaluate("window.notReloaded = true")

    # The dispatcher's own choice, refused by the action: the card says why and stays.
    card = page.locator(f"#ticket-{normal.pk}")
    card.locator("details.manual summary").click()
    manual = card.locator("details.manual form")
    manual.locator("select[name=lead_department_id]").select_option(str(departments["housing"].pk))
    manual.locator("select[name=co_department_ids]").select_option([str(departments["housing"].pk)])
    manual.locator("button[type=submit]").click()
    page.locator(f"#ticket-{normal.pk} .error").wait_for()
    assert "主办单位不能同时作为协办单位" in page.locator(f"#ticket-{normal.pk} .error").inner_text()
    assert Ticket.objects.get(pk=normal.pk).status == TicketStatus.NEW
    # The keyboard is on the refusal, not back at the top of the page.
    assert focused_card(page, f"ticket-{normal.pk}") == f"ticket-{normal.pk}"

    # Enter on the top suggestion dispatches the urgent ticket; the card turns into a notice and the
    # keyboard goes on to the next card still waiting.
    page.locator(f"#ticket-{urgent.pk} button.suggestion").first.focus()
    page.keyboard.press("Enter")
    page.locator(f"#ticket-{urgent.pk}.done").wait_for()
    assert focused_card(page, f"ticket-{normal.pk}") == f"ticket-{normal.pk}"
    assert "已派给 住建局" in page.locator(f"#ticket-{urgent.pk}").inner_text()
    assert page.evaluate("window.notReloaded") is True  # swapped in place, no page load
    assert "1 件工单待派单" in page.locator("#queue-summary").inner_text()  # the count follows
    urgent.refresh_from_db()
    assert urgent.status == TicketStatus.DISPATCHED
    assert urgent.events.get(action="dispatch").actor == dispatcher
    assert {a.department for a in urgent.assignments.all()} == {departments["housing"], departments["water"]}

    page.reload()
    assert page.locator("article.ticket").count() == 1
    assert "1 件工单待派单" in page.inner_text("main")


def test_a_dispatcher_upholds_a_return_in_the_browser(
    page, live_server, staff, departments, returned
) -> None:
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    lead = returned.assignments.get(department=departments["housing"])

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/returns/")
    card = page.locator(f"#return-{lead.pk}")
    assert "路灯归街道管理" in card.inner_text()
    page.evaluate("window.notReloaded = true")
    card.locator("select[name=lead_department_id]").select_option(str(departments["street"].pk))
    card.locator("input[name=wrong_dispatch]").check()
    card.locator("button[name=decision][value=uphold]").click()  # the button says which decision
    page.locator(f"#return-{lead.pk}.done").wait_for()
    assert "已改派 和平街道" in page.locator(f"#return-{lead.pk}").inner_text()
    assert page.evaluate("window.notReloaded") is True
    returned.refresh_from_db()
    assert returned.status == TicketStatus.DISPATCHED
    assert returned.lead_assignment.department == departments["street"]


def test_enter_in_the_review_note_decides_nothing_and_no_new_lead_is_chosen_for_the_dispatcher(
    page, live_server, staff, departments, returned
) -> None:
    """A note typed to reject a return and ended with Enter neither upholds nor rejects it (the
    form's first button upheld it, to the department the first suggestion named); the return is
    rejected by its own button."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    lead = returned.assignments.get(department=departments["housing"])

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/returns/")
    card = page.locator(f"#return-{lead.pk}")
    assert card.locator("select[name=lead_department_id]").input_value() == ""
    note = card.locator("[name=note]")
    note.fill("不同意退单，请继续办理")
    note.press("Enter")
    card.locator("input[name=wrong_dispatch]").press("Enter")
    page.wait_for_timeout(300)
    returned.refresh_from_db()
    assert returned.status == TicketStatus.RETURNED
    assert not returned.events.filter(action="review_return").exists()

    card.locator("button[name=decision][value=reject]").click()
    page.locator(f"#return-{lead.pk}.done").wait_for()
    returned.refresh_from_db()
    (review,) = returned.events.filter(action="review_return")
    assert review.details["uphold"] is False
    assert "不同意退单" in review.details["note"]


def test_the_next_page_starts_after_the_cards_dispatched_in_place(
    page, live_server, staff, departments, waiting, monkeypatch
) -> None:
    """Two cards a page: both dispatched in place, 下一页 shows the third ticket, not the fourth."""
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 2)
    later = [make_ticket(actor=staff["operator"], title=f"第{i}件") for i in range(2)]
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
    assert "4 件工单待派单" in page.locator("#queue-summary").inner_text()
    for ticket in reversed(waiting):  # the urgent one is first
        page.locator(f"#ticket-{ticket.pk} button.suggestion").first.click()
        page.locator(f"#ticket-{ticket.pk}.done").wait_for()
    assert "2 件工单待派单" in page.locator("#queue-summary").inner_text()

    page.locator("#next-page").click()
    page.wait_for_load_state()
    cards = page.locator("article.ticket")
    assert [cards.nth(i).get_attribute("data-number") for i in range(cards.count())] == [
        later[0].number,
        later[1].number,
    ]


# Where the keyboard is: the card around it, the element and its text ("BODY": lost to the top).
FOCUS = """(() => {
  const e = document.activeElement;
  const card = e.closest("article");
  return {card: card ? card.id : null, tag: e.tagName, text: (e.innerText || "").trim()};
})()"""


def focus_settled(page, wait_ms: int = 3000) -> dict:
    """Where the focus is once it is off <body> (the button pressed is swapped out first); polled,
    as the CSP refuses `wait_for_function`; <body> when it never comes back."""
    found = page.evaluate(FOCUS)
    for _ in range(wait_ms // 100):
        if found["tag"] != "BODY":
            return found
        page.wait_for_timeout(100)
        found = page.evaluate(FOCUS)
    return found


def tab_to(page, locator, presses: int = 150) -> None:
    for _ in range(presses):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} cannot be reached with Tab")


def test_the_keyboard_keeps_its_place_after_a_link_and_when_the_last_card_leaves(
    page, live_server, staff, waiting, screenshot
) -> None:
    """关联 keeps the card (the candidate says 已关联): the keyboard goes on in that card, not back to
    the top of the page. The last card merged away: to the card before it; no card left: to the
    page's heading, which the count follows."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    lamp, road = waiting
    earlier = make_ticket(actor=staff["operator"], title="小区门口路灯不亮", phone="13700001111")
    embed_missing()

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
    cards = page.locator("article.ticket")
    assert [cards.nth(i).get_attribute("data-number") for i in range(3)] == [
        road.number,
        lamp.number,
        earlier.number,
    ]
    page.evaluate("window.notReloaded = true")
    link = page.locator(f"#similar-{lamp.pk} li[data-number='{earlier.number}'] button.link")
    link.wait_for()
    page.locator(f"#similar-{earlier.pk} li[data-number='{lamp.number}'] button.merge").wait_for()

    # A refused merge leaves the card whole where it was, the keyboard on the reason.
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.CLOSED)
    page.locator(f"#similar-{lamp.pk} li[data-number='{earlier.number}'] button.merge").focus()
    page.keyboard.press("Enter")  # asks first, the keyboard on 确认合并至
    page.keyboard.press("Enter")
    page.locator(f"#similar-{lamp.pk} [role=alert]").wait_for()
    found = focus_settled(page)
    assert found["card"] == f"ticket-{lamp.pk}" and "不能并入" in found["text"], found
    assert page.locator(f"#ticket-{lamp.pk} button.suggestion").count() >= 1
    Ticket.objects.filter(pk=earlier.pk).update(status=TicketStatus.NEW)

    tab_to(page, link)
    page.keyboard.press("Enter")
    page.locator(f"#similar-{lamp.pk} li[data-number='{earlier.number}'] .badge[role=status]").wait_for()
    found = focus_settled(page)
    assert found["card"] == f"ticket-{lamp.pk}", found
    screenshot("dispatch-after-link")
    assert linked_ids(lamp.pk) == {earlier.pk}

    # The last card merged away: the keyboard goes to the card before it.
    merge = page.locator(f"#similar-{earlier.pk} li[data-number='{lamp.number}'] button.merge")
    tab_to(page, merge)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # 确认合并至
    page.locator(f"#ticket-{earlier.pk}.done").wait_for()
    found = focus_settled(page)
    assert found["card"] == f"ticket-{lamp.pk}", found

    # The other cards dispatched in turn: the last one leaves none, the heading takes the keyboard.
    for ticket in (road, lamp):
        page.locator(f"#ticket-{ticket.pk} button.suggestion").first.focus()
        page.keyboard.press("Enter")
        page.locator(f"#ticket-{ticket.pk}.done").wait_for()
    found = focus_settled(page)
    assert (found["tag"], found["text"]) == ("H1", "派单台"), found
    assert "0 件工单待派单" in page.locator("#queue-summary").inner_text()
    assert page.evaluate("window.notReloaded") is True
    screenshot("dispatch-queue-emptied")


def test_a_merge_from_the_queue_is_confirmed_in_the_card_with_the_keyboard(
    page, live_server, staff, waiting, screenshot
) -> None:
    """合并至 merges nothing yet: the card asks (the question, 确认合并至, 取消) with the keyboard on
    确认合并至; 取消 or Escape puts the button back with the keyboard on it; Enter on 确认合并至
    merges, in place."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    lamp, road = waiting
    earlier = make_ticket(actor=staff["operator"], title="小区门口路灯不亮", phone="13700001111")
    embed_missing()

    sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
    page.evaluate("window.notReloaded = true")
    merge = page.locator(f"#similar-{lamp.pk} li[data-number='{earlier.number}'] button.merge")
    question = page.locator(f"#merge-{lamp.pk}-{earlier.pk}")
    merge.wait_for()
    assert not question.is_visible()

    def asked() -> None:
        question.wait_for()
        assert not merge.is_visible()
        found = focus_settled(page)
        assert (found["tag"], found["text"]) == ("BUTTON", f"确认合并至 {earlier.number}"), found
        assert f"将 {lamp.number} 合并至 {earlier.number}？" in question.inner_text()
        assert Ticket.objects.get(pk=lamp.pk).status == TicketStatus.NEW  # nothing merged yet

    def put_back() -> None:
        question.wait_for(state="hidden")
        found = focus_settled(page)
        assert (found["tag"], found["text"]) == ("BUTTON", f"合并至 {earlier.number}"), found
        assert Ticket.objects.get(pk=lamp.pk).status == TicketStatus.NEW

    merge.focus()
    page.keyboard.press("Enter")
    asked()
    screenshot("dispatch-merge-asked")
    page.keyboard.press("Tab")  # to 取消
    assert page.evaluate("document.activeElement.innerText.trim()") == "取消"
    page.keyboard.press("Enter")
    put_back()

    page.keyboard.press("Space")  # the button again, pressed as a keyboard user may
    asked()
    page.keyboard.press("Escape")
    put_back()

    # Enter held down asks, and its repeats answer nothing: the merge takes a key pressed again.
    page.keyboard.down("Enter")
    asked()
    page.keyboard.down("Enter")  # a repeat (Playwright: the key is already down)
    page.keyboard.down("Enter")
    page.keyboard.up("Enter")
    page.wait_for_timeout(300)
    asked()

    page.keyboard.press("Enter")
    page.locator(f"#ticket-{lamp.pk}.done").wait_for()
    assert f"{lamp.number} 已合并至 {earlier.number}" in page.locator(f"#ticket-{lamp.pk}").inner_text()
    assert page.evaluate("window.notReloaded") is True  # in place
    merged = Ticket.objects.get(pk=lamp.pk)
    assert (merged.status, merged.merged_into_id) == (TicketStatus.MERGED, earlier.pk)
    # The keyboard goes on to a card still waiting, as after a dispatch.
    assert focus_settled(page)["card"] in {f"ticket-{road.pk}", f"ticket-{earlier.pk}"}


def test_without_javascript_the_merge_is_confirmed_on_a_page_of_its_own(
    browser, live_server, staff, waiting, screenshot_of
) -> None:
    """Without JavaScript the candidates are a page of their own (the card's link); 合并至 leads to
    a page that asks, 取消 back to the queue, 确认合并至 merges and the queue says so."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password("s3cret-pass")
    dispatcher.save()
    lamp = waiting[0]
    earlier = make_ticket(actor=staff["operator"], title="小区门口路灯不亮", phone="13700001111")
    embed_missing()
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, dispatcher.username, "s3cret-pass", "/dispatch/")
        page.locator(f"#similar-{lamp.pk} a").click()
        page.locator(f"li[data-number='{earlier.number}'] button.merge").click()
        page.wait_for_url(f"{live_server.url}/dispatch/{lamp.pk}/merge/?into_ticket_id={earlier.pk}")
        assert f"将 {lamp.number} 合并至 {earlier.number}？" in page.inner_text("main")
        screenshot_of(page, "dispatch-merge-page")
        page.locator("main a.cancel").click()
        page.wait_for_url(f"{live_server.url}/dispatch/#ticket-{lamp.pk}")
        assert Ticket.objects.get(pk=lamp.pk).status == TicketStatus.NEW

        page.goto(f"{live_server.url}/dispatch/{lamp.pk}/merge/?into_ticket_id={earlier.pk}")
        page.fill("main input[name=note]", "同一路灯")
        page.locator("main button.merge-confirm").click()
        page.wait_for_url(f"{live_server.url}/dispatch/")
        assert f"{lamp.number} 已合并至 {earlier.number}" in page.inner_text("main")
    finally:
        context.close()
    merged = Ticket.objects.get(pk=lamp.pk)
    assert (merged.status, merged.merged_into_id) == (TicketStatus.MERGED, earlier.pk)
    assert merged.events.get(action="merge").details["note"] == "同一路灯"
