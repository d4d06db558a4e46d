"""An automated accessibility audit: axe-core (node_modules/axe-core, a dev dependency from the npm
registry, nothing fetched at run time) in Chromium on the main page of every role, in Chinese, and on
the citizens' pages. A violation of impact "serious" or "critical" fails the test, with its rule, the
element and axe's help.

One database, one browser, one context per role: the whole walk takes well under a minute."""

from pathlib import Path
from typing import Any

import pytest

from hotline.citizen_messages.actions import send_due
from hotline.core.enums import ArticleStatus, Channel, NotificationReason, Role
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.templates import TemplateData, do_save_template
from hotline.notifications.actions import do_notify
from hotline.tickets.actions import do_accept_assignment, do_dispatch_ticket, do_merge_ticket
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory, make_ticket
from tests.web.grid_setup import community, grid_worker  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "s3cret-pass"
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
GRID_PHONE = {"width": 375, "height": 740}
CITIZEN_PHONE = "13912345678"

# Opens every closed <details> of the page; how many it opened.
OPEN_DETAILS = """() => {
  const closed = Array.from(document.querySelectorAll("details:not([open])"));
  closed.forEach(details => { details.open = true; });
  return closed.length;
}"""

# axe's serious and critical violations on the page, one line each: rule, element, help.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .flatMap(v => v.nodes.map(n => v.id + " (" + v.impact + ") " + n.target.join(" ") + ": " + v.help));
}"""


@pytest.fixture
def city(staff, departments, returned, grid_worker) -> dict[str, Any]:  # noqa: F811
    """Every page with something to show: tickets waiting, returned, dispatched with a duplicate merged
    in and its citizens told, one signed; unread messages (the header's count), a public article, a
    reply template."""
    head = UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"])
    for user in [*staff.values(), head, grid_worker]:
        user.set_password(PASSWORD)
        user.save()
    ticket = make_ticket(actor=staff["operator"], title="井盖缺失", content="创新大道146号人行道井盖不见了。")
    letter, _created = do_receive_appeal(
        AppealData(
            channel=Channel.MAILBOX,
            title="创新大道井盖缺失存在安全隐患",
            content="创新大道146号人行道上的井盖不见了，晚上看不清很危险。",
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
    signed = do_accept_assignment(
        do_dispatch_ticket(
            make_ticket(actor=staff["operator"], title="楼道灯不亮"),
            staff["dispatcher"],
            lead_department_id=departments["housing"].pk,
        ),
        staff["housing"],
    )
    for key, role, department in (
        ("a11y-unit", "", departments["housing"]),
        ("a11y-leaders", Role.LEADER, None),
        ("a11y-supervisors", Role.SUPERVISOR, None),
    ):
        do_notify(
            key=key,
            reason=NotificationReason.SUPERVISION,
            message=f"工单 {ticket.number}「井盖缺失」临近办理时限。",
            role=role,
            department=department,
            ticket=ticket,
        )
    article = do_create_article(
        staff["admin"],
        ArticleData(title="路灯报修办理流程", body="路灯由街道负责维修，一般三个工作日内修复。", public=True),
        status=ArticleStatus.PUBLISHED,
    )
    template = do_save_template(
        head,
        TemplateData(
            name="路灯已修复",
            text="您反映的路灯已修复，感谢您的反映。",
            department_id=departments["housing"].pk,
        ),
    )
    return {"ticket": ticket, "signed": signed, "article": article, "template": template, "head": head}


def test_no_page_has_a_serious_accessibility_violation(browser, live_server, staff, city) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: `make install` installs the front-end packages (npm ci)")
    axe = AXE.read_text()
    found: dict[str, list[str]] = {}

    def audit(page: Any, label: str) -> None:
        page.wait_for_load_state("networkidle")  # the htmx panels and the charts come after the page
        assert page.evaluate("document.documentElement.lang") == "zh-hans", label
        # The forms folded in <details> (reply, return, extension, supervision...) are audited too: axe
        # passes over what is hidden.
        if page.evaluate(OPEN_DETAILS):
            page.wait_for_load_state("networkidle")
        page.evaluate(axe)  # evaluated by the browser itself: no <script> the policy would refuse
        found[label] = page.evaluate(RUN_AXE)

    def visit(page: Any, path: str, label: str | None = None) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        audit(page, label or path)

    def as_role(username: str | None, paths: list[str], viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            sign_in(page, live_server, username, PASSWORD, paths[0])
            audit(page, f"{username} {paths[0]}")
        else:
            visit(page, paths[0])
        for path in paths[1:]:
            visit(page, path, f"{username} {path}")
        return context, page

    number, signed = city["ticket"].number, city["signed"].number

    # Citizens, on a phone: the portal refusing a form, then taking it; the tracking page, refusing then
    # finding the ticket. Then the public answers, the statistics and the staff's login page.
    context, page = as_role(None, ["/portal/"], PHONE)
    page.fill("#id_title", "小区门口路灯不亮")
    page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
    page.fill("#id_phone", "1391234")
    page.get_by_role("button", name="提交").click()
    page.locator("#error-summary").wait_for()
    audit(page, "portal refused")
    page.fill("#id_phone", CITIZEN_PHONE)
    page.get_by_role("button", name="提交").click()
    page.locator("#ticket-number").wait_for()
    audit(page, "portal submitted")
    submitted = page.locator("#ticket-number").inner_text().strip()
    visit(page, "/portal/track/")
    page.fill("#id_number", submitted)
    page.fill("#id_last4", "0000")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("alert").wait_for()
    audit(page, "track not found")
    page.fill("#id_number", submitted)
    page.fill("#id_last4", CITIZEN_PHONE[-4:])
    page.get_by_role("button", name="查询").click()
    page.locator("#public-status").wait_for()
    audit(page, "track found")
    visit(page, "/stats/", "/stats/ (phone)")
    page.set_viewport_size(DESKTOP)
    for path in ("/qa/", f"/qa/{city['article'].pk}/", "/stats/", "/login/"):
        visit(page, path)
    context.close()

    # The operator: the console with the caller's history and the suggestions loaded as they type.
    context, page = as_role(
        staff["operator"].username,
        [
            "/tickets/?q=",
            f"/tickets/{number}/",
            "/knowledge/",
            f"/knowledge/{city['article'].pk}/",
            "/console/",
        ],
    )
    page.fill("#id_citizen_phone", "13812341234")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_content", "幸福路12号路灯不亮，晚上很黑。")
    audit(page, "console (typed)")
    context.close()

    for username, paths, viewport in (
        (staff["dispatcher"].username, ["/dispatch/", "/dispatch/returns/", f"/tickets/{number}/"], DESKTOP),
        (staff["housing"].username, ["/inbox/", f"/tickets/{signed}/", "/notifications/"], DESKTOP),
        (
            city["head"].username,
            ["/inbox/", "/reply-templates/", f"/reply-templates/{city['template'].pk}/"],
            DESKTOP,
        ),
        (
            staff["supervisor"].username,
            [
                "/supervision/",
                "/supervision/warnings/",
                "/supervision/repetitions/",
                "/replies/flagged/",
                "/callbacks/",
                "/knowledge/new/",
                "/notifications/",
            ],
            DESKTOP,
        ),
        (staff["leader"].username, ["/overview/", "/rankings/", "/reports/"], DESKTOP),
        ("grid1", ["/grid/report/", "/grid/reports/"], GRID_PHONE),
    ):
        context, page = as_role(username, paths, viewport)
        context.close()

    failing = [f"{label}: {line}" for label, lines in found.items() for line in lines]
    assert failing == [], "\n".join(["axe-core found serious or critical violations:", *failing])
