"""The staff pages on a phone's screen (375x740, 390x844) in Chromium: nothing wider than the screen (a
wide table scrolls by itself, a text box keeps to the page), text columns that read as lines, touch
targets of about 44px, and a navigation that wraps between its links, not inside them; the touch targets
on a tablet's touch screen too (820x1180)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline.analytics.models import FigureSettings
from hotline.citizen_messages.actions import send_due
from hotline.core import clock
from hotline.core.enums import Channel, NotificationReason, SupervisionKind
from hotline.directory.models import Place
from hotline.feedback.actions import do_reply_ticket
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.notifications.actions import do_notify
from hotline.supervision.actions import do_open_supervision
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket, do_merge_ticket
from hotline.tickets.models import Ticket
from hotline.web.dispatch import PAGE_SIZE
from tests.e2e.conftest import csp_violations, sign_in
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


# The text of the page's main part smaller than `min` pixels (shown, with words of its own).
SMALL_TEXT = """(min) => Array.from(document.querySelectorAll("main *"))
  .filter(e => e.getClientRects().length > 0)
  .filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(e => parseFloat(getComputedStyle(e).fontSize) < min)
  .map(e => e.textContent.trim().slice(0, 20) + " " + getComputedStyle(e).fontSize)"""


def test_the_rankings_and_the_report_fit_a_leaders_phone(
    page, live_server, staff, departments, screenshot
) -> None:
    """A leader between meetings (390px): 红黑榜 and a report scroll their wide tables in their own boxes (the
    whole page was 638px and 722px wide); the header's 消息, the periods' tabs and the report's download links
    are a finger's size (they were 19px high)."""
    FigureSettings.objects.update_or_create(pk=1, defaults={"min_received": 1})
    staff["leader"].set_password(PASSWORD)
    staff["leader"].save()
    # 住建局 and 水务局 each answer a ticket: two ranked rows with every rate.
    for department in ("housing", "water"):
        with clock.frozen_at(clock.now() - timedelta(hours=2)):
            dispatched = do_dispatch_ticket(
                make_ticket(actor=staff["operator"]),
                staff["dispatcher"],
                lead_department_id=departments[department].pk,
            )
            dispatched = do_accept_assignment(dispatched, staff[department])
        do_reply_ticket(dispatched, staff[department], text="已处理。")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, staff["leader"].username, PASSWORD, "/rankings/")
    assert page.locator("#ranking tbody tr").count() >= 2
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(OVERFLOW_IN_BOX, "#ranking") > 0  # its own box scrolls
    assert page.evaluate(LOW_TARGETS, 40) == []
    heights = page.locator("#spans a, #nav-notifications").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().height))"
    )
    assert len(heights) == 4 and min(heights) >= 40, heights
    screenshot("small-rankings")

    today = timezone.localdate().isoformat()  # a report of today's days: the two tickets in it
    page.goto(f"{live_server.url}/reports/?kind=custom&first={today}&last={today}")
    assert page.locator("#report-departments tbody tr").count() >= 2
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(LOW_TARGETS, 40) == []
    # The form's links (下载 xlsx · pdf · html, 已生成报告) too: they were 19px high.
    heights = page.locator("#report-form > a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().height))"
    )
    assert len(heights) == 4 and min(heights) >= 40, heights
    screenshot("small-report")


def test_a_supervisor_orders_by_touch_on_a_tablet(browser, live_server, staff, departments) -> None:
    """A supervisor in the field, a tablet (820px, touch, wider than a phone): the board's controls are a
    finger's size (the select was 19px high, 发出 21px), no text under 12px (a supervision's 发起 time was
    11px), and a 督办 is issued by taps alone."""
    supervisor = staff["supervisor"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    with clock.frozen_at(clock.now() - timedelta(days=10)):
        ticket = do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title="井盖缺失"),
            staff["dispatcher"],
            lead_department_id=departments["water"].pk,
        )
    do_open_supervision(ticket, staff["supervisor"], reason="催一下", kind=SupervisionKind.REMINDER)
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    try:
        page = context.new_page()
        violations = csp_violations(page)
        sign_in(page, live_server, supervisor.username, PASSWORD, "/supervision/?view=overdue")
        row = page.locator("li.board-row").first
        assert "发起" in row.locator("ul.open-supervisions").inner_text()
        row.locator("details.supervise summary").tap()
        assert page.evaluate(OVERFLOW) <= 0
        assert page.evaluate(LOW_TARGETS, 40) == []
        assert page.evaluate(SMALL_TEXT, 12) == []
        header = page.locator("body > header button, #nav-notifications, nav.site a").evaluate_all(
            "els => els.filter(e => e.getBoundingClientRect().height < 40).map(e => e.textContent.trim())"
        )
        assert header == []
        row.locator("textarea[name=reason]").tap()
        page.keyboard.type("请今日回复进展")
        row.locator("details.supervise button[type=submit]").tap()
        row.locator("[role=status]", has_text="督办已发出").wait_for()
        assert violations == []
    finally:
        context.close()


# The district map's colour scale and the districts' box, in the chart's pixels ([x, y, width, height]).
MAP_BOXES = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("chart-districts"));
  const view = chart.getViewOfComponentModel(chart.getModel().getComponent("visualMap"));
  const scale = view.group.getBoundingRect().clone();
  scale.applyTransform(view.group.getComputedTransform());
  const districts = chart.getModel().getComponent("geo").coordinateSystem.getViewRect();
  return [[scale.x, scale.y, scale.width, scale.height],
          [districts.x, districts.y, districts.width, districts.height]];
}"""

# The dates drawn under the trend chart's axis: [text, left, right, the chart's width] in the chart's pixels.
TREND_DATES = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("chart-trend"));
  return chart.getZr().storage.getDisplayList()
    .filter(e => e.style && /^\\d{4}-\\d{2}-\\d{2}$/.test(e.style.text || ""))
    .map(e => { const r = e.getBoundingRect().clone(); r.applyTransform(e.getComputedTransform());
                return [e.style.text, r.x, r.x + r.width, chart.getWidth()]; });
}"""


def test_the_overviews_map_and_trend_read_whole_on_a_phone(
    page, live_server, staff, departments, screenshot
) -> None:
    """The overview at 390px: the district map's colour scale (0 to the most) lay over the districts in the
    bottom left corner, hiding one; the trend's first date was cut by the chart's left edge; the figures'
    links were smaller than a finger."""
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30.1]]]
    )
    staff["leader"].set_password(PASSWORD)
    staff["leader"].save()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, staff["leader"].username, PASSWORD, "/overview/")
    page.locator("#chart-districts[data-rendered=true] canvas").first.wait_for()
    (sx, sy, sw, sh), (dx, dy, dw, dh) = page.evaluate(MAP_BOXES)
    apart = sx + sw <= dx or dx + dw <= sx or sy + sh <= dy or dy + dh <= sy
    assert apart, ((sx, sy, sw, sh), (dx, dy, dw, dh))
    assert page.evaluate(OVERFLOW) <= 0
    # The trend's dates under its axis whole, the first one too (it lost its first figure past the left edge).
    dates = page.evaluate(TREND_DATES)
    assert dates and all(left >= 0 and right <= width for _text, left, right, width in dates), dates
    # The figures' links to their tickets: a finger's size (the volumes' were 19x31, the counts 16px high).
    small = page.locator("#figures a").evaluate_all(
        """links => links.map(a => a.getBoundingClientRect())
          .filter(r => r.width < 40 || r.height < 40).map(r => [Math.round(r.width), Math.round(r.height)])"""
    )
    assert page.locator("#figures a").count() >= 3 and small == []
    screenshot("small-overview")


def test_a_leaders_next_page_of_notices_is_a_finger_wide_on_a_phone(page, live_server, staff) -> None:
    """消息 on a phone: 下一页 was a 19px high link at the end of the list."""
    leader = staff["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    for n in range(PAGE_SIZE + 1):
        do_notify(key=f"small-{n}", reason=NotificationReason.DAILY, message=f"第 {n} 条", recipient=leader)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, leader.username, PASSWORD, "/notifications/")
    heights = page.locator("nav.pages a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().height))"
    )
    assert len(heights) == 1 and min(heights) >= 40, heights
    assert page.evaluate(OVERFLOW) <= 0
