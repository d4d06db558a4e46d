"""The staff pages name people as people know them (`User.display_name`: the full name, the login
name of a user without one): the page header, the knowledge base's versions, reviews and log, a
reply's author and reviewer, a repetition's reviewer. A login name is the admin's concern."""

from dataclasses import replace

import pytest

from hotline.core import clock
from hotline.core.enums import RepetitionKind, Role, TicketStatus
from hotline.feedback.models import ReplyCheck
from hotline.knowledge import actions
from hotline.knowledge.actions import ArticleData
from hotline.supervision.actions import do_review_repetition
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import refresh_repetitions
from tests.factories import UserFactory
from tests.feedback.test_quality import FORMULA
from tests.tickets.conftest import Flow
from tests.web.conftest import NOW
from tests.web.test_repetitions_page import CALLS, call

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _named(staff, who: str, username: str, full_name: str):
    """`staff[who]` with a login name no page text contains, and a full name (or none)."""
    user = staff[who]
    user.username, user.first_name = username, full_name
    user.save()
    return user


def _header(page: str) -> str:
    return page[page.index("<header>") : page.index("</header>")]


def test_the_header_names_the_user(client, staff) -> None:
    _named(staff, "dispatcher", "h_sf0501", "孙芳")
    client.force_login(staff["dispatcher"])
    header = _header(client.get("/").content.decode())
    assert "孙芳" in header and "h_sf0501" not in header


def test_the_header_falls_back_to_the_login_name(client, staff) -> None:
    _named(staff, "dispatcher", "h_sf0501", "")
    client.force_login(staff["dispatcher"])
    assert "h_sf0501" in _header(client.get("/").content.decode())


def test_the_knowledge_pages_name_the_author_and_the_reviewer(client, staff) -> None:
    editor = _named(staff, "housing", "editor1", "王伟")
    reviewer = _named(staff, "dispatcher", "reviewer7", "李娜")
    data = ArticleData(title="老旧小区加装电梯补贴", question="加装电梯", body="可申请财政补贴。")
    article = actions.do_create_article(editor, data, note="初稿")
    actions.do_submit_article(article, editor)
    actions.do_review_article(article, reviewer, approve=False, note="请写明补贴标准")
    actions.do_edit_article(article, editor, replace(data, body="每台最高 20 万元。"))
    actions.do_submit_article(article, editor)
    actions.do_review_article(article, reviewer, approve=True, note="口径准确")

    client.force_login(staff["supervisor"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    versions = page[page.index('id="article-versions"') : page.index('id="article-log"')]
    assert "王伟" in versions and "李娜 于" in versions
    log = page[page.index('id="article-log"') :]
    assert "· 王伟 ·" in log and "· 李娜 ·" in log
    for number in (1, 2):
        version = client.get(f"/knowledge/{article.pk}/?version={number}").content.decode()
        assert "王伟 于" in version and "李娜 于" in version
        assert "editor1" not in version and "reviewer7" not in version
    assert "editor1" not in page and "reviewer7" not in page


def test_the_flagged_replies_name_who_replied_and_who_reviewed(client, staff, departments) -> None:
    flow = Flow(staff, departments)
    _named(staff, "housing", "h_sf0501", "赵敏")  # the lead department's handler replies
    _named(staff, "supervisor", "sup_zhou", "周督办")
    ticket = flow.co_answer(flow.accept(flow.to(TicketStatus.ACCEPTED), "water"))
    reply = flow.reply(ticket, text=FORMULA).replies.get()

    client.force_login(staff["supervisor"])
    reviewed = client.post(f"/replies/{reply.pk}/review/", {"note": "已核实"}, **HTMX).content.decode()
    assert "周督办 已于" in reviewed and "sup_zhou" not in reviewed
    assert ReplyCheck.objects.get(reply=reply).reviewed_by == staff["supervisor"]
    page = client.get("/replies/flagged/?reviewed=1").content.decode()
    assert "· 赵敏 ·" in page and "周督办 已于" in page
    assert "h_sf0501" not in page and "sup_zhou" not in page
    # Reviewed once: the refusal of a second review names the first reviewer.
    again = client.post(f"/replies/{reply.pk}/review/", **HTMX).content.decode()
    assert "已由 周督办 复核" in again and "sup_zhou" not in again


def test_a_repetitions_reviewer_is_named(client, staff) -> None:
    for i, (title, content) in enumerate(CALLS):
        call(staff, 3 - i, title, content, phone="13900001111", address=f"滨江花园{20 + i}栋")
    with clock.frozen_at(NOW):
        refresh_repetitions()
    flag = Repetition.objects.filter(kind=RepetitionKind.CITIZEN).first()
    assert flag is not None
    reviewer = _named(staff, "supervisor", "sup_zhou", "周督办")
    with clock.frozen_at(NOW):
        do_review_repetition(flag, reviewer, outcome="reasonable")
        client.force_login(reviewer)
        page = client.get("/supervision/repetitions/").content.decode()
    assert "（周督办，" in page and "sup_zhou" not in page


def test_a_user_without_a_full_name_is_named_by_login(client, staff) -> None:
    editor = UserFactory(username="editor9", role=Role.HANDLER, department=staff["housing"].department)
    article = actions.do_create_article(
        editor, ArticleData(title="停车收费", question="", body="按物价局标准。")
    )
    client.force_login(staff["supervisor"])
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "· editor9 ·" in page
