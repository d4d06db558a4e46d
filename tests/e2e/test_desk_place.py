"""The desks keep the person's place in Chromium: an action on a row of the inbox, the callback desk or
the supervision board changes that row in place (no page loaded again: the keyboard would fall back to
<body>, the scroll to the top, and a keyboard user would Tab through the header and every row again),
and the focus goes on from it as on the dispatch desk: to the row's next control, to the next row when
the row is done, to the refusal when refused."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import AssignmentStatus
from hotline.feedback import actions as feedback_actions
from hotline.supervision.models import Supervision
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"

# The focused element: its row's id, and a selector-free description to assert on.
FOCUS = """(() => {
  const e = document.activeElement;
  const row = e.closest("li[id], article[id]");
  return {row: row ? row.id : null, tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || "").trim(),
          name: e.getAttribute("name"), role: e.getAttribute("role"), kept: window.kept === true,
          top: e.getBoundingClientRect().top, bottom: e.getBoundingClientRect().bottom,
          scrolled: window.scrollY, height: window.innerHeight};
})()"""


def focus_in(page, row_id: str, wait_ms: int = 5000, role: str | None = None) -> dict:
    """Where the focus is once it is in the row `row_id` (on an element of `role`, when given:
    the focus may be in the row already, on the button pressed, before it moves on); polled, as the
    pages' CSP refuses `wait_for_function`; fails saying where it is otherwise."""
    found = page.evaluate(FOCUS)
    for _ in range(wait_ms // 100):
        if found["row"] == row_id and role in (None, found["role"]):
            return found
        page.wait_for_timeout(100)
        found = page.evaluate(FOCUS)
    pytest.fail(f"the focus is not in #{row_id}: {found}")


def tab_to(page, locator, presses: int = 80) -> None:
    for _ in range(presses):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} cannot be reached with Tab")


def visible(found: dict) -> bool:
    return found["top"] >= 0 and found["bottom"] <= found["height"]


def dispatched(staff, departments, title: str, department: str = "housing", days: int = 0) -> Ticket:
    with clock.frozen_at(clock.now() - timedelta(days=days)):
        return do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title=title, phone="13812341234"),
            staff["dispatcher"],
            lead_department_id=departments[department].pk,
        )


def test_the_inbox_keeps_the_place_of_a_keyboard_user(
    page, live_server, staff, departments, screenshot, monkeypatch
) -> None:
    monkeypatch.setattr("hotline.web.dispatch.PAGE_SIZE", 5)
    handler = staff["housing"]
    handler.set_password(PASSWORD)
    handler.save()
    for i in range(7):
        dispatched(staff, departments, f"第{i}件路灯不亮")
    page.set_viewport_size({"width": 1000, "height": 600})

    sign_in(page, live_server, handler.username, PASSWORD, "/inbox/")
    rows = page.locator("#inbox > li")
    ids = [rows.nth(i).get_attribute("id") for i in range(rows.count())]
    assert len(ids) == 5
    page.evaluate("window.kept = true")

    # 签收 on the 4th row, reached with Tab: the row is signed in place, and the focus goes to its
    # next control (答复), scrolled into sight; the page was not loaded again.
    fourth = page.locator(f"#{ids[3]}")
    page.locator("#inbox-filters button").focus()
    tab_to(page, fourth.locator("button.accept"))
    page.keyboard.press("Enter")
    page.locator(f"#{ids[3]}[data-state=accepted]").wait_for()
    found = focus_in(page, ids[3])
    assert found["kept"], "the page was loaded again"
    assert (found["tag"], found["text"]) == ("summary", "答复"), found
    assert found["scrolled"] > 0 and visible(found), found
    assert "已签收" in fourth.locator("[role=status]").inner_text()
    assert page.locator("#inbox-counters .accepted strong").inner_text() == "1"
    screenshot("inbox-signed-in-place")

    # A refusal: the form stays as typed, the focus goes to the message that says why.
    page.keyboard.press("Enter")  # opens 答复
    page.keyboard.press("Tab")  # 选用答复模板
    page.keyboard.press("Tab")
    page.keyboard.type("【办理经过】")  # a template's blank left unwritten is refused
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(f"#{ids[3]} [role=alert]").wait_for()
    found = focus_in(page, ids[3], role="alert")
    assert found["role"] == "alert" and "【办理经过】" in found["text"], found
    assert fourth.locator("details.reply textarea").input_value() == "【办理经过】"

    # Under 待签收 a row signed leaves the list: the focus goes on to the next row; the next page
    # starts a row earlier, so that the row that moved up onto this page is not skipped.
    page.goto(f"{live_server.url}/inbox/?status=pending")
    page.evaluate("window.kept = true")
    rows = page.locator("#inbox > li")
    pending = [rows.nth(i).get_attribute("id") for i in range(rows.count())]
    shown = rows.evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert len(pending) == 5 and page.locator("nav.pages a[rel=next]").get_attribute("href").endswith(
        "offset=5"
    )
    page.locator(f"#{pending[1]} button.accept").focus()
    page.keyboard.press("Enter")
    page.locator(f"#{pending[1]}.done").wait_for()
    found = focus_in(page, pending[2])
    assert found["kept"] and found["tag"] == "a", found  # the next row's ticket number
    assert page.locator("nav.pages a[rel=next]").get_attribute("href").endswith("offset=4")
    screenshot("inbox-signed-off-the-list")
    page.locator("nav.pages a[rel=next]").click()
    page.wait_for_load_state()
    numbers = page.locator("#inbox > li").evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert len(numbers) == 1 and numbers[0] not in shown  # the row that moved up, not skipped
    assert Ticket.objects.get(number=numbers[0]).assignments.get().status == AssignmentStatus.PENDING


def test_the_callback_desk_and_the_board_keep_the_place(page, live_server, staff, departments) -> None:
    operator = staff["operator"]
    operator.set_password(PASSWORD)
    operator.save()
    tickets = []
    for title in ("路灯不亮", "楼道积水", "井盖缺失"):
        ticket = do_accept_assignment(dispatched(staff, departments, title), staff["housing"])
        tickets.append(feedback_actions.do_reply_ticket(ticket, staff["housing"], text="已处理。"))
    first, second, _third = tickets
    feedback_actions.do_record_callback(first, operator, resolution="resolved", satisfaction="satisfied")

    sign_in(page, live_server, operator.username, PASSWORD, "/callbacks/")
    page.evaluate("window.kept = true")
    # 办结 takes the row off the desk: the focus goes to the next row.
    page.locator(f"#ticket-{first.pk} button.close").focus()
    page.keyboard.press("Enter")
    page.locator(f"#ticket-{first.pk}.done").wait_for()
    found = focus_in(page, f"ticket-{second.pk}")
    assert found["kept"], found
    # Not reached: the row stays (called again later), the focus on its next control.
    page.locator(f"#ticket-{second.pk} button.unreachable").focus()
    page.keyboard.press("Enter")
    page.locator(f"#ticket-{second.pk} [role=status]").wait_for()
    found = focus_in(page, f"ticket-{second.pk}")
    assert found["kept"] and (found["tag"], found["text"]) == ("summary", "记录回访结果"), found
    assert "1 次未接通" in page.locator(f"#ticket-{second.pk}").inner_text()
    assert page.locator("#callback-counters .waiting strong").inner_text() == "1"

    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    late = [dispatched(staff, departments, f"第{i}件超期", department="water", days=10) for i in range(3)]
    page.context.clear_cookies()
    sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/?view=overdue")
    page.evaluate("window.kept = true")
    row_id = f"row-a{late[1].assignments.get().pk}"
    row = page.locator(f"#{row_id}")
    row.locator("details.supervise summary").click()
    row.locator("textarea[name=reason]").fill("超期多日，请尽快办结")
    row.locator("details.supervise button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.locator(f"#{row_id} [role=status]").wait_for()
    found = focus_in(page, row_id)
    assert found["kept"] and found["tag"] == "summary", found
    assert "督办" in row.locator("ul.open-supervisions").inner_text()
    assert Supervision.objects.get().assignment == late[1].assignments.get()
