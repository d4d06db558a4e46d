"""Every sentence the system writes by itself reads back: the text stored (in Python or in SQL)
is recognised as its sentence with the same params, and other text is not."""

from typing import Any

import pytest
from django.db.models import F, Value
from django.utils import translation

from hotline.directory.models import Department
from hotline.sla import withdrawals
from hotline.supervision import wording

# Params for each sentence, with a title that holds the sentence's own marks.
PARAMS: dict[str, dict[str, Any]] = {
    "response_overdue": {"number": "20261203-000002", "title": "长安路疑似燃气泄漏"},
    "response_overdue_unit": {
        "number": "20261203-000002",
        "title": "长安路疑似燃气泄漏",
        "unit": "市燃气公司",
    },
    "overdue": {"number": "20250303-000001", "title": "路灯「不亮」，已超期", "step": "reminder"},
    "overdue_unit": {
        "number": "20250303-000001",
        "title": "路灯「不亮」，已超期",
        "unit": "市住建局",
        "step": "order",
    },
    "overdue_days_unit": {
        "number": "20250303-000001",
        "title": "路灯不亮",
        "unit": "湖滨街道",
        "days": "3",
        "step": "listing",
    },
    "overdue_days": {"number": "20250303-000001", "title": "路灯不亮", "days": "3", "step": "elevation"},
    "repeated_issue": {"label": "幸福路 路灯", "days": "30", "n": "4", "number": "N1", "title": "路灯"},
    "repeated_place": {"label": "幸福路12号", "days": "30", "n": "3", "number": "N2", "title": "噪音"},
    "repeated_citizen": {"days": "30", "n": "5", "number": "N3", "title": "漏水"},
    "returned": {"number": "N4", "title": "占道经营", "n": "2"},
    "settled": {},
    "signed": {},
    "superseded": {"kind": "listing"},
    "deadline_passed": {"number": "N5", "title": "井盖「缺失」", "deadline": "sign"},
    "due_soon": {"number": "N6", "title": "噪音", "percent": "80"},
    "daily": {"month": "12", "day": "04", "n": "7", "unsigned": "5", "overdue": "2"},
    # By hand: the supervisor's words, with the sentence's own marks in them.
    "opened": {"number": "N7", "title": "路灯「不亮」", "kind": "order", "reason": "请于今日：联系诉求人"},
    "opened_until": {
        "number": "N8",
        "title": "噪音",
        "kind": "listing",
        "until": "2025-03-05 17:30",
        "reason": "群众反映强烈",
    },
    "resolved": {"number": "N9", "kind": "elevation"},
    "resolved_note": {"number": "N9", "kind": "reminder", "note": "已办结。已回访"},
    "withdrawn": {"cause": "review_return"},
    "merged_at_console": {"number": "N10"},
    "linked_at_console": {"number": "N11"},
    "rated_on_portal": {},
    "early_warning": {"title": "城乡建设 · 东城区：1 日内 7 人反映"},
    "warning_spike_people": {
        "category": "城乡建设",
        "area": "东城区",
        "days": "1",
        "observed": "7",
        "appeals": "8",
        "expected": "0.04",
    },
    "warning_spike": {"category": "未分类", "area": "全市", "days": "3", "observed": "19", "expected": "4.5"},
    "warning_burst": {"place": "幸福小区", "description": "停水", "hours": "6", "n": "9", "people": "8"},
    "warning_growth": {"place": "幸福小区", "description": "垃圾站臭味", "recent": "12", "n": "30"},
    "early_warning_joined": {"title": "城乡建设 · 东城区", "kind": "hotspot", "finding": "东城区幸福小区"},
    "city_reports_made": {"report": "monthly", "span": "2025-06-01 — 2025-06-30", "count": "5"},
    # Said of a title the new sentence does not read (the city's own name for a report).
    "reports_made": {"title": "示范市 12345 热线月报（2025-06-01 — 2025-06-30）", "count": "5"},
    "extension_approved": {"number": "20250611-000123", "title": "路灯不亮", "until": "2025-06-20 17:00"},
    "extension_refused_note": {"number": "20250611-000123", "title": "路灯不亮", "note": "理由不充分"},
    "extension_refused": {"number": "20250611-000123", "title": "路灯不亮"},
    "return_upheld": {"number": "20250611-000123", "title": "路灯不亮"},
    "return_rejected_note": {"number": "20250611-000123", "title": "路灯不亮", "note": "路灯归住建局管理"},
    "return_rejected": {"number": "20250611-000123", "title": "路灯不亮"},
    "reply_returned": {"number": "20250611-000123", "title": "路灯不亮", "reason": "请写明处理结果"},
}


def test_every_sentence_has_params_here() -> None:
    assert set(PARAMS) == set(wording.SENTENCES)


@pytest.mark.parametrize("code", sorted(PARAMS))
def test_a_stored_sentence_reads_back_as_itself(code: str) -> None:
    text = wording.stored(code, **PARAMS[code])

    assert wording.recognised(text) == (code, PARAMS[code])
    # In Chinese it is shown as it is stored.
    with translation.override("zh-hans"):
        assert wording.shown(text) == text


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(PARAMS))
def test_the_sweeps_sql_stores_the_same_text(code: str, departments) -> None:
    # A column as the sweep gives it (`F`) and plain values.
    params = {k: Value(v) if k == "title" else v for k, v in PARAMS[code].items()}
    if "number" in params:
        params["number"] = F("code")
    found = (
        Department.objects.filter(pk=departments["street"].pk)
        .annotate(text=wording.in_sql(code, **params))
        .values_list("text", "code")
        .get()
    )

    expected = {**PARAMS[code], **({"number": found[1]} if "number" in PARAMS[code] else {})}
    assert found[0] == wording.stored(code, **expected)
    assert wording.recognised(found[0]) == (code, expected)


def test_other_text_is_shown_as_it_was_stored() -> None:
    for text in ("请加快办理", "工单 N1「路灯」已超期，请尽快。", "已升级为复核，自动销号", ""):
        assert wording.recognised(text) is None
        with translation.override("en"):
            assert wording.shown(text) == text


def test_the_old_notes_are_the_stored_ones() -> None:
    """The texts the sweep stored before this module are the ones it stores now (a row of last
    year reads the same as a row of today)."""
    assert wording.stored("settled") == "工单已办结或派单已反馈，自动销号"
    assert wording.stored("signed") == "承办单位已签收，自动销号"
    assert wording.stored("superseded", kind="order") == "已升级为督办，自动销号"
    assert (
        wording.stored("response_overdue", number="20261203-000002", title="长安路疑似燃气泄漏")
        == "工单 20261203-000002「长安路疑似燃气泄漏」首次响应时限已过仍未签收，催办。"
    )
    assert wording.stored("overdue", number="N", title="T", step="order") == "工单 N「T」已超期，督办。"
    assert (
        wording.stored("overdue_days", number="N", title="T", days=5, step="elevation")
        == "工单 N「T」已超期 5 个工作日以上，提级由上级单位办理。"
    )
    assert (
        wording.stored("repeated_issue", label="L", days=30, n=3, number="N", title="T")
        == "同一问题（L）30 天内 3 位诉求人反映，督办工单 N「T」。"
    )
    assert (
        wording.stored("repeated_citizen", days=30, n=3, number="N", title="T")
        == "同一市民 30 天内反映 3 次，经人工审核为合理诉求（问题未解决），督办工单 N「T」。"
    )
    assert wording.stored("returned", number="N", title="T", n=2) == "工单 N「T」已被退单 2 次，督办。"


def test_the_sweeps_notices_read_as_before() -> None:
    """The notices the sweep stored before they were sentences here are the ones it stores now."""
    assert (
        wording.stored("deadline_passed", number="N", title="T", deadline="response")
        == "工单 N「T」响应时限已过，请尽快响应。"
    )
    assert (
        wording.stored("due_soon", number="N", title="T", percent="50")
        == "工单 N「T」已用去 50% 的办理时间，请抓紧办理。"
    )
    assert (
        wording.stored("daily", month="12", day="04", n=7, unsigned=5, overdue=5)
        == "12月04日待办提醒：您单位有 7 件工单尚未办结，其中待签收 5 件，已超期 5 件。"
    )
    # Said twice, a choice must be the same word twice to be the sentence.
    assert wording.recognised("工单 N「T」签收时限已过，请尽快响应。") is None


def test_the_notices_and_notes_read_as_before() -> None:
    """The notices of a supervision by hand, the early warnings' and the reports', and the notes
    of a withdrawal, of the console and of the portal are stored as they were before they were
    sentences here (a row of last year reads the same as a row of today)."""
    assert wording.stored("opened", number="N", title="T", kind="order", reason="R") == "工单 N「T」被督办：R"
    assert (
        wording.stored(
            "opened_until", number="N", title="T", kind="listing", until="2025-03-05 17:30", reason="R"
        )
        == "工单 N「T」被挂牌督办，督办时限 2025-03-05 17:30：R"
    )
    assert wording.stored("resolved", number="N", kind="elevation") == "工单 N 的提级办理已办结。"
    assert (
        wording.stored("resolved_note", number="N", kind="reminder", note="好") == "工单 N 的催办已办结。好"
    )
    assert wording.stored("merged_at_console", number="N") == "受理台：来电并入 N"
    assert wording.stored("linked_at_console", number="N") == "受理台：来电与 N 相关"
    assert wording.stored("rated_on_portal") == "市民在网上门户评价"
    assert wording.stored("early_warning", title="T") == "预警：T"
    assert (
        wording.stored("early_warning_joined", title="T", kind="spike", finding="F")
        == "预警更新：T（又触发诉求突增：F）"
    )
    assert (
        wording.stored("reports_made", title="T", count=3)
        == "T已生成（共 3 份，含各区县、承办单位），请在“报告 · 已生成报告”中查看。"
    )
    # What the migration that withdrew the requests left waiting wrote.
    assert wording.recognised("派单已不在办理中，延期申请自动撤回") == ("withdrawn", {"cause": "other"})


def test_a_city_report_notice_stored_with_its_title_reads_as_the_kind_and_days() -> None:
    """The leaders' notice of a period's reports said the city report's title as the city's language
    wrote it ("全市月报（…）"), which an English reader then read in Chinese; those rows are the
    sentence of the report's kind and days, said in the reader's language."""
    old = wording.stored("reports_made", title="全市月报（2025-06-01 — 2025-06-30）", count=5)
    assert wording.recognised(old) == (
        "city_reports_made",
        {"report": "monthly", "span": "2025-06-01 — 2025-06-30", "count": "5"},
    )
    daily = wording.stored("city_reports_made", report="daily", span="2025-06-01", count=7)
    assert (
        daily
        == "全市日报（2025-06-01）已生成（共 7 份，含各区县、承办单位），请在“报告 · 已生成报告”中查看。"
    )
    with translation.override("en"):
        assert wording.shown(daily).startswith("The citywide daily report (2025-06-01) is ready (7 reports")


@pytest.mark.parametrize("action", [*sorted(withdrawals.CAUSES), "progress", "reopen"])
def test_a_withdrawal_note_is_the_sentence_of_its_cause(action: str) -> None:
    """`sla.withdrawals` writes it from below this layer: the same text, for every cause."""
    cause = action if action in withdrawals.CAUSES else "other"
    assert withdrawals.withdrawal_note(action) == wording.stored("withdrawn", cause=cause)
    assert wording.recognised(withdrawals.withdrawal_note(action)) == ("withdrawn", {"cause": cause})
