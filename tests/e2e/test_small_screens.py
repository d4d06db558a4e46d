"""The staff pages on a phone's screen (375x740) in Chromium: nothing wider than the screen (a wide
table scrolls by itself, a text box keeps to the page), text columns that read as lines, touch
targets of about 44px, and a navigation that wraps between its links, not inside them."""

import pytest

from hotline.citizen_messages.actions import send_due
from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets.actions import do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket
from tests.e2e.conftest import sign_in
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
PHONE = {"width": 375, "height": 740}
LONG = "我是滨江小区的居民，创新大道146号人行道上的井盖不见了，只放了几块砖头挡着，晚上看不清很危险。"

# How far the page reaches past the screen's right edge (0: not at all).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# How far the content of the element that `selector` finds, or of the box it scrolls in, reaches past that
# box's right edge (0: nothing to scroll sideways).
OVERFLOW_IN_BOX = """(selector) => {
  const element = document.querySelector(selector);
  const box = element.closest(".table-scroll") || element;
  return box.scrollWidth - box.clientWidth;
}"""

# The controls of the page's main part lower than `min` pixels (shown ones).
LOW_TARGETS = """(min) => Array.from(document.querySelectorAll("main button, main select, main summary, "
    + "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])"))
  .filter(e => e.getClientRects().length > 0)
  .filter(e => e.getBoundingClientRect().height < min)
  .map(e => e.outerHTML.slice(0, 80) + " " + Math.round(e.getBoundingClientRect().height))"""

# The navigation's links broken over two lines.
BROKEN_LINKS = """Array.from(document.querySelectorAll("nav.site a"))
  .filter(a => a.getClientRects().length > 1).map(a => a.textContent)"""


# The labels of the forms in `selector` whose words are parted from their field: a caption broken over
# lines, a field neither beside its caption nor just under it (aligned), a checkbox not at the start of its
# words' first line or words that wrap under it. Each as "caption: what is wrong".
PARTED_LABELS = """(selector) => {
  const out = [];
  for (const label of document.querySelectorAll(selector + " label")) {
    const control = label.querySelector("select, textarea, input");
    if (!control || !control.getClientRects().length) continue;
    const rects = [];
    let words = "";
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest("select, textarea")) continue;
      words += node.textContent;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...Array.from(range.getClientRects()).filter(r => r.width > 0));
    }
    if (!rects.length) continue;
    const caption = words.replace(/\\s+/g, " ").trim().slice(0, 12);
    const lines = [];
    for (const r of rects) {
      const line = lines.find(l => Math.abs(l.top - r.top) < 3);
      if (line) { line.left = Math.min(line.left, r.left); line.right = Math.max(line.right, r.right); }
      else lines.push({ top: r.top, bottom: r.bottom, left: r.left, right: r.right });
    }
    lines.sort((a, b) => a.top - b.top);
    const box = control.getBoundingClientRect();
    const first = lines[0];
    if (control.type === "checkbox" || control.type === "radio") {
      const beside = box.right <= first.left + 1 && box.top < first.bottom && first.top < box.bottom;
      if (!beside) out.push(caption + ": the box is not at the start of its words");
      if (lines.some(l => Math.abs(l.left - first.left) > 2)) {
        out.push(caption + ": the words wrap under the box");
      }
      continue;
    }
    if (lines.length > 1) {
      out.push(caption + ": the caption is broken over " + lines.length + " lines");
      continue;
    }
    const besideIt = box.top < first.bottom && first.top < box.bottom && box.left >= first.right - 1;
    const underIt = box.top >= first.bottom - 1 && box.top - first.bottom <= 16
      && Math.abs(box.left - first.left) <= 4;
    if (!besideIt && !underIt) out.push(caption + ": the field is neither beside nor under its caption");
  }
  return out;
}"""


@pytest.fixture
def ticket(staff, departments) -> Ticket:
    """A caller's ticket with a letter writer's duplicate merged into it, sent to 住建局, the
    citizens told (告知记录): every table of the page has rows."""
    for user in staff.values():
        user.set_password(PASSWORD)
        user.save()
    ticket = make_ticket(actor=staff["operator"], phone="13812341234", content=LONG * 2)
    letter, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="创新大道井盖缺失存在安全隐患",
            content=LONG,
            citizen_name="李女士",
            citizen_email="writer@163.com",
        ),
        None,
    )
    do_merge_ticket(letter, staff["operator"], into_ticket_id=ticket.pk)
    ticket = do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    send_due()
    return ticket


def test_the_ticket_page_fits_a_phone(page, live_server, staff, ticket, screenshot) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, staff["housing"].username, PASSWORD, f"/tickets/{ticket.number}/")
    assert page.locator("#citizen-messages tbody tr").count() >= 1
    for details in page.locator("main details").all():  # the forms' text boxes, shown
        details.evaluate("details => { details.open = true; }")
    assert page.evaluate(OVERFLOW) <= 0
    widths = page.locator("main textarea").evaluate_all(
        "boxes => boxes.map(b => b.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= PHONE["width"]
    # The appeal's text reads as lines, not one or two characters a line.
    content = page.locator("#appeals tbody tr").first.locator("td").last
    assert content.bounding_box()["width"] >= 150
    # The appeals as blocks one under another, nothing to scroll sideways: the text at nearly the page's
    # width, each short cell (received at, channel, citizen) on one line after its heading.
    assert page.evaluate(OVERFLOW_IN_BOX, "#appeals") <= 0
    assert content.bounding_box()["width"] >= 300
    for row in page.locator("#appeals tbody tr").all():
        short = row.locator("td").evaluate_all(
            """cells => cells.slice(0, 3).map(cell => {
              const range = document.createRange();
              range.selectNodeContents(cell);
              const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
              return [getComputedStyle(cell, "::before").content, tops.size];
            })"""
        )
        assert [label for label, _lines in short] == ['"受理时间"', '"渠道"', '"诉求人"']
        assert [lines for _label, lines in short] == [1, 1, 1], short
    # The units dispatched and the messages to citizens, as blocks too (they scrolled sideways).
    for table in ("#assignments", "#citizen-messages"):
        assert page.locator(f"{table} tbody tr").count() >= 1
        assert page.evaluate(OVERFLOW_IN_BOX, table) <= 0, table
    assert page.evaluate(BROKEN_LINKS) == []
    assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot("small-ticket-page")


def test_the_inbox_and_the_search_fit_a_phone(page, live_server, staff, ticket, screenshot) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, staff["housing"].username, PASSWORD, "/inbox/")
    assert page.locator("li.inbox-row").count() == 1
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    assert page.evaluate(BROKEN_LINKS) == []
    screenshot("small-inbox")
    page.locator("details.return summary").click()
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot("small-inbox-open")

    page.goto(f"{live_server.url}/tickets/?q=")
    assert page.locator("#results tbody tr").count() >= 1
    assert page.evaluate(OVERFLOW) <= 0  # the table scrolls in its own box
    screenshot("small-search")


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_the_return_review_keeps_each_label_with_its_field(
    page, live_server, staff, departments, returned, size, screenshot
) -> None:
    """退单审核: every caption on one line, its field beside it or under it; the checkbox before its words."""
    dispatcher = staff["dispatcher"]
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    page.set_viewport_size(size)
    sign_in(page, live_server, dispatcher.username, PASSWORD, "/dispatch/returns/")
    lead = returned.assignments.get(department=departments["housing"])
    form = f"#return-{lead.pk} form.review"
    assert page.locator(f"{form} label").count() == 5
    assert page.evaluate(PARTED_LABELS, form) == []
    assert page.evaluate(OVERFLOW) <= 0
    if size == PHONE:
        assert page.evaluate(LOW_TARGETS, 40) == []
    screenshot(f"returns-{size['width']}")


def test_the_knowledge_list_fits_a_phone(page, live_server, staff, screenshot) -> None:
    """知识库 at 375px: nothing wider than the screen, each row a block, the title reading as a line
    (it was one character a line in a table 409px wide)."""
    from hotline.core.enums import ArticleStatus
    from hotline.knowledge.actions import ArticleData, do_create_article

    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    for title in ("咨询智能燃气表查询缴费", "老旧小区加装电梯补贴申请条件和办理流程", "养犬登记办理流程"):
        do_create_article(
            staff["admin"], ArticleData(title=title, body="答复口径。"), status=ArticleStatus.PUBLISHED
        )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, supervisor.username, PASSWORD, "/knowledge/")
    rows = page.locator("#knowledge-articles tbody tr")
    assert rows.count() == 3
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(OVERFLOW_IN_BOX, "#knowledge-articles") <= 0
    title = rows.first.locator("td").first
    assert title.bounding_box()["width"] >= 300
    lines = title.evaluate(
        """cell => { const range = document.createRange(); range.selectNodeContents(cell);
        return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size; }"""
    )
    assert lines == 1
    assert page.evaluate(LOW_TARGETS, 40) == []
    assert page.evaluate(BROKEN_LINKS) == []
    screenshot("small-knowledge-list")
