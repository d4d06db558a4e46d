"""The operator's console in Chromium: a call taken with the keyboard only (Tab from field to field,
Enter in the address), the caller's history and smart dispatch's reading appearing as the operator
types, the number to read out, and Alt+N for the next call."""

import re

import pytest

from hotline.core.enums import TicketStatus
from hotline.dedup.indexing import embed_missing
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_an_operator_takes_a_call_with_the_keyboard(page, live_server, staff, waiting, screenshot) -> None:
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()  # what the worker does within seconds of intake

    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    assert page.locator("nav.site a[href='/console/']").count() == 1
    assert focused_id(page) == "id_citizen_phone"  # ready for the caller's number

    keyboard = page.keyboard
    keyboard.type("13812341234")
    # The caller has called before: the earlier tickets appear, masked.
    history = page.locator("#console-caller li.caller-ticket")
    history.first.wait_for()
    assert history.count() == 2
    assert "138****1234" in page.inner_text("#console-caller")
    assert "13812341234" not in page.inner_text("#console-caller")

    keyboard.press("Tab")
    assert focused_id(page) == "id_citizen_name"
    keyboard.type("王先生")
    keyboard.press("Tab")  # kind: a complaint, as it is
    keyboard.press("Tab")  # urgency
    keyboard.press("Tab")
    assert focused_id(page) == "id_title"
    keyboard.type("幸福路路灯还是不亮")
    keyboard.press("Tab")
    assert focused_id(page) == "id_content"
    # Chinese text arrives with input events and no key (as from an IME): the panels follow `input`.
    keyboard.type("幸福路12号门口的路灯上周报过，现在还是不亮，晚上很黑")
    page.locator("#suggest-category").wait_for()
    keyboard.press("Tab")
    assert focused_id(page) == "id_address"
    keyboard.type("幸福路12号")
    # The tickets most like the call, each with a button to attach the call to it; the road's
    # ticket, another problem on the same street, is too weak a candidate to be listed.
    similar = page.locator("#console-similar li.similar-ticket")
    similar.first.wait_for()
    lamp, road = waiting
    assert [similar.nth(i).get_attribute("data-number") for i in range(similar.count())] == [lamp.number]
    assert road.number not in page.inner_text("#console-similar")
    assert page.locator("#console-similar button.attach").count() == 1
    screenshot("console-typing")

    keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    ticket = Ticket.objects.latest("pk")
    assert ticket.title == "幸福路路灯还是不亮" and ticket.status in (
        TicketStatus.NEW,
        TicketStatus.DISPATCHED,
    )
    assert ticket.appeals.get().citizen_name == "王先生"
    assert page.inner_text("#console-number") == ticket.number
    assert page.locator(f"#console-done a[href='/tickets/{ticket.number}/']").count() == 1
    assert page.input_value("#id_title") == "" and focused_id(page) == "id_citizen_phone"
    screenshot("console-received")

    # Half-way through the next call, Alt+N starts over: every field empty, the cursor on the phone.
    keyboard.type("1390000")
    keyboard.press("Tab")
    keyboard.type("赵女士")
    page.locator("#id_title").fill("测试")
    keyboard.press("Alt+N")
    for field in ("citizen_phone", "citizen_name", "title", "content", "address"):
        assert page.input_value(f"#id_{field}") == "", field
    assert page.input_value("#id_channel") == "phone" and page.input_value("#id_kind") == "complaint"
    assert focused_id(page) == "id_citizen_phone"
    assert page.locator("#console-done").count() == 0
    screenshot("console-new-call")


def test_a_duplicate_is_found_as_the_operator_types_and_the_call_merged_with_the_keyboard(
    page, live_server, staff, waiting, screenshot
) -> None:
    """The candidates appear with their score and reason while the call is typed; Alt+D goes to
    the best one's button and Enter merges the call into it."""
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    noise = make_ticket(actor=operator, title="工地夜间施工噪音", content="凌晨两点还在打桩，吵得睡不着")
    embed_missing()
    target = waiting[0]
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    keyboard = page.keyboard
    keyboard.type("13700007777")
    page.locator("#id_title").focus()
    keyboard.type("小区门口路灯不亮")
    keyboard.press("Tab")
    keyboard.type("幸福路12号小区门口路灯不亮，晚上很黑，请尽快处理。")
    best = page.locator("#console-similar li.similar-ticket").first
    best.wait_for()
    assert best.get_attribute("data-number") == target.number
    text = best.inner_text()
    assert "疑似重复" in text and "得分" in text and "文本相似" in text
    assert noise.number not in page.inner_text("#console-similar") or (
        page.locator(f"#console-similar li[data-number='{noise.number}'] .badge").count() == 0
    )
    screenshot("console-duplicates")

    keyboard.press("Alt+D")
    assert page.evaluate("() => document.activeElement.className") == "attach"
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    new = Ticket.objects.latest("pk")
    # The number the caller's SMS carry: the call's own; the message names the ticket it joined.
    assert page.inner_text("#console-number") == new.number
    assert f"来电已并入工单 {target.number} 统一办理" in page.inner_text("#console-done")
    assert new.status == TicketStatus.MERGED and new.merged_into_id == target.pk
    assert new.appeals.get().citizen_phone == "13700007777"
    screenshot("console-merged")


HINTS = {
    "console-caller": "输入来电号码（至少后四位）后显示。",
    "console-similar": "输入标题或诉求内容后，显示可能反映同一问题的工单。",
    "console-answers": "输入诉求内容后显示知识库中的参考答复。",
    "console-suggest": "输入诉求内容后显示分类、属地、紧急程度和承办单位建议。",
}


def test_text_that_arrives_without_keys_fills_the_panels_and_a_new_call_brings_back_the_hints(
    page, live_server, staff, waiting, screenshot
) -> None:
    """A mouse paste, handwriting or voice input puts text in without a key release; an IME
    commits it at compositionend. The duplicate candidates must appear all the same; and Alt+N
    (or the link) shows the panels' hints again, not blank boxes."""
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    target = waiting[0]
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    for panel, hint in HINTS.items():
        assert page.inner_text(f"#{panel}") == hint, panel
    page.evaluate("() => { window.keysHeard = 0; }")
    page.evaluate(
        """() => ["keydown", "keyup"].forEach(function (type) {
          document.addEventListener(type, function () { window.keysHeard += 1; }, true);
        })"""
    )

    # Pasted with the mouse: a value and an input event, no key.
    page.locator("#id_citizen_phone").fill("13812341234")
    page.locator("#id_title").fill("小区门口路灯不亮")
    page.locator("#id_content").fill("幸福路12号小区门口路灯不亮，晚上很黑，请尽快处理。")
    best = page.locator("#console-similar li.similar-ticket").first
    best.wait_for()
    assert best.get_attribute("data-number") == target.number
    page.locator("#suggest-category").wait_for()
    page.locator("#console-caller li.caller-ticket").first.wait_for()
    page.locator("#answers-none, #console-answer-hits").first.wait_for()
    assert page.evaluate("() => window.keysHeard") == 0
    screenshot("console-pasted")

    keyboard = page.keyboard
    keyboard.press("Alt+N")
    for panel, hint in HINTS.items():
        assert page.inner_text(f"#{panel}") == hint, panel
    page.locator("#id_title").fill("小区门口路灯不亮")
    page.locator("#console-similar li.similar-ticket").first.wait_for()
    page.click("#new-call")
    for panel, hint in HINTS.items():
        assert page.inner_text(f"#{panel}") == hint, panel
    screenshot("console-new-call-hints")


def test_an_ime_composition_fills_the_panels_once_it_is_committed(page, live_server, staff, waiting) -> None:
    """While composing, the field holds pinyin, not the caller's words: nothing is looked up until
    the composition ends (compositionend), which may come with no input event after it."""
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    asked: list[str] = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/console/similar/" in request.url else None
    )
    page.locator("#id_title").evaluate(
        """(el) => {
          el.focus();
          el.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true}));
          el.value = "ludeng";
          el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true, data: "ludeng"}));
        }"""
    )
    page.wait_for_timeout(900)  # past the debounce: a lookup now would be of the pinyin
    assert asked == []
    page.locator("#id_title").evaluate(
        """(el) => {
          el.value = "小区门口路灯不亮";
          el.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: "小区门口路灯不亮"}));
        }"""
    )
    best = page.locator("#console-similar li.similar-ticket").first
    best.wait_for()
    assert best.get_attribute("data-number") == waiting[0].number
    assert len(asked) == 1 and "ludeng" not in asked[0]


def box(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }"
    )


def test_on_a_phone_the_candidates_found_are_told_beside_the_receive_button(
    page, live_server, staff, waiting, screenshot
) -> None:
    """At 375 pixels the side is below the form: a line just above 受理 says that similar tickets were
    found, with a link down to them; a new call takes it away."""
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    assert not page.locator("#similar-notice").is_visible()
    page.locator("#id_citizen_phone").fill("13700007777")
    page.locator("#id_title").fill("小区门口路灯不亮")
    page.locator("#id_content").fill("幸福路12号小区门口路灯不亮，晚上很黑，请尽快处理。")
    page.locator("#id_address").focus()
    page.keyboard.type("幸福路12号")
    notice = page.locator("#similar-notice")
    notice.locator("a").wait_for()
    listed = page.locator("#console-similar li.similar-ticket").count()
    assert notice.is_visible() and f"发现 {listed} 件相似工单" in notice.inner_text()
    assert notice.get_attribute("role") == "status"
    # Just above the button, seen with it (the side starts a screen further down).
    line, button, side = box(page, "#similar-notice"), box(page, "#console-submit"), box(page, "aside")
    assert line["bottom"] <= button["top"] < line["bottom"] + 40, (line, button)
    assert side["top"] > button["bottom"]
    page.locator("#console-submit").scroll_into_view_if_needed()
    assert box(page, "#similar-notice")["top"] >= 0
    screenshot("console-375-similar-notice")

    notice.locator("a").click()
    listed = box(page, "#similar-list")
    assert 0 <= listed["top"] < 740, listed
    screenshot("console-375-similar-list")

    page.keyboard.press("Alt+N")
    assert not page.locator("#similar-notice").is_visible()


def test_a_call_sent_back_on_its_way_to_a_ticket_keeps_it_chosen(
    page, live_server, staff, waiting, screenshot
):
    """并入此工单 with the title left empty: the page comes back with the ticket still chosen and
    said so, the side's panels filled for what was typed, the title to correct; Enter in the address
    then attaches the call, it does not take it as a new ticket."""
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    target = waiting[0]
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    page.locator("#id_citizen_phone").fill("13812341234")
    page.locator("#id_title").fill("小区门口路灯不亮")
    page.locator("#id_content").fill("幸福路12号小区门口路灯不亮，晚上很黑，请尽快处理。")
    attach = page.locator(f"#console-similar li[data-number='{target.number}'] button.attach")
    attach.wait_for()
    page.locator("#id_title").fill("")
    attach.click()
    page.wait_for_url(re.compile(rf".*/console/attach/{target.pk}/$"))
    chosen = page.locator("#console-chosen")
    assert chosen.is_visible() and target.number in chosen.inner_text()
    assert "这个字段是必填项" in page.inner_text("#console-form")
    # The panels, for what the form holds: the caller's history and the candidates.
    page.locator("#console-caller li.caller-ticket").first.wait_for()
    page.locator(f"#console-similar li[data-number='{target.number}']").wait_for()
    assert page.locator("#similar-notice").is_visible()
    assert focused_id(page) == "id_title"  # the field to correct
    screenshot("console-attach-sent-back")

    page.keyboard.type("路灯还是不亮")
    page.locator("#id_address").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/console/\?done=.*"))
    new = Ticket.objects.latest("pk")
    assert new.title == "路灯还是不亮"
    assert (new.status, new.merged_into_id) == (TicketStatus.MERGED, target.pk)
    assert page.inner_text("#console-number") == new.number

    # Alt+N after a call sent back: the choice goes with it, Enter takes a new ticket again.
    page.goto(f"{live_server.url}/console/")
    page.locator("#id_content").fill("幸福路12号小区门口路灯不亮")
    page.locator(f"#console-similar li[data-number='{target.number}'] button.attach").click()
    # Loaded, its script too (the keyboard's shortcuts): the element alone shows before it is, and
    # on a loaded machine Alt+N went to a page that did not listen yet.
    page.wait_for_url(re.compile(rf".*/console/attach/{target.pk}/$"))
    page.locator("#console-chosen").wait_for()
    page.keyboard.press("Alt+N")
    assert page.locator("#console-chosen").count() == 0
