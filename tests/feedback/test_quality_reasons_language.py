"""A reply's check keeps its reasons as codes with their figures, told in words when they are
shown: a reply checked while Chinese was active reads in English to a member of staff who switched
the pages (or asks the API) to English. The checks stored as sentences before are turned into codes
by migration feedback.0007; a sentence it does not know is kept and shown as it is."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from hotline.core.enums import TicketStatus
from hotline.feedback import quality
from hotline.feedback.actions import reasons_text
from hotline.feedback.models import ReplyCheck
from tests.migrations import migrate_to
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db

S = TicketStatus
# Says nothing but that it was done: weak on completeness and interpretability, every reason in it.
DONE = "已处理。"


def _replied(flow: Flow, text: str):
    ticket = flow.co_answer(flow.accept(flow.to(S.ACCEPTED), "water"))
    with translation.override("zh-hans"):  # as the worker or a Chinese request checks it
        return flow.reply(ticket, text=text)


def test_the_check_keeps_codes_and_their_figures(flow: Flow) -> None:
    ticket = _replied(flow, DONE)
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    body = len(quality.body_of(DONE))
    assert check.reasons["completeness"] == [
        {"code": "no_reason", "params": {}},
        {"code": "no_next_step", "params": {}},
        {"code": "no_contact", "params": {}},
        {"code": "short_body", "params": {"n": body}},
    ]
    assert {"code": "no_basis", "params": {}} in check.reasons["interpretability"]
    with translation.override("zh-hans"):
        assert quality.sentences(check.reasons)["completeness"][-1] == f"除套话外只有 {body} 字"


def test_a_reply_checked_in_chinese_reads_in_english_on_the_pages(client, flow: Flow) -> None:
    ticket = _replied(flow, DONE)
    body = len(quality.body_of(DONE))
    client.force_login(flow.user("supervisor"))
    client.cookies["django_language"] = "en"
    for page in (f"/tickets/{ticket.number}/", "/replies/flagged/"):
        html = client.get(page).content.decode()
        assert "No reason given (because, due to, does not meet…)" in html, page
        assert f"Only {body} characters beyond the formula" in html, page
        assert "No policy or regulation cited" in html, page
        assert "没有说明原因" not in html and "没有引用政策或法规依据" not in html, page


def test_a_reply_checked_in_chinese_reads_in_english_in_the_api(flow: Flow, api_as) -> None:
    ticket = _replied(flow, DONE)
    api = api_as(flow.user("supervisor"))
    api.headers["Accept-Language"] = "en"
    [reply] = api.get(f"/tickets/{ticket.pk}").json()["replies"]
    # The same shape as before: per criterion, sentences, now in the request's language.
    assert "No reason given (because, due to, does not meet…)" in reply["quality"]["reasons"]["completeness"]
    [item] = api.get("/replies/flagged").json()["items"]
    assert "No policy or regulation cited" in item["quality"]["reasons"]["interpretability"]
    api.headers["Accept-Language"] = "zh-hans"
    [reply] = api.get(f"/tickets/{ticket.pk}").json()["replies"]
    assert "没有说明原因（因为、由于、不符合等）" in reply["quality"]["reasons"]["completeness"]


def test_the_reasons_in_one_line_are_in_the_readers_language(flow: Flow) -> None:
    check = ReplyCheck.objects.get(reply__ticket=_replied(flow, DONE))
    with translation.override("en"):
        line = reasons_text(check)
    assert line.startswith("Completeness: No reason given") and "; Explanation: No policy" in line


# --- migration feedback.0007: the sentences stored before, as codes -------------------------------


def _migration():
    return importlib.import_module("hotline.feedback.migrations.0007_reply_check_reason_codes")


def test_the_migration_turns_stored_sentences_into_codes() -> None:
    old = {
        "relevance": ["答复与诉求的用词很少相同（已按答复的篇幅折算），请确认答复针对的是这件诉求"],
        "completeness": [
            "没有说明原因（因为、由于、不符合等）",
            "有笼统表态（研究、逐步、尽快等），未说明具体安排",
            "除套话外只有 34 字",
        ],
        "interpretability": [
            "有 2 处讲的是将要做的事（“将”“拟”“预计”等），评分看重已查明的情况",
            # Checked while English was active.
            "Explanation too brief (only 34 characters besides boilerplate)",
            # A wording of an earlier check that no code says: kept, shown as it is.
            "除套话外只有 12 字，未讲清办理经过和结果",
        ],
    }
    new = _migration().to_codes(old)
    assert new == {
        "relevance": [{"code": "off_topic", "params": {}}],
        "completeness": [
            {"code": "no_reason", "params": {}},
            {"code": "vague", "params": {}},
            {"code": "short_body", "params": {"n": 34}},
        ],
        "interpretability": [
            {"code": "promises", "params": {"n": 2}},
            {"code": "too_brief", "params": {"n": 34}},
            {"text": "除套话外只有 12 字，未讲清办理经过和结果"},
        ],
    }
    # Run twice, nothing changes; and back, the Chinese sentences (the English one told in Chinese).
    assert _migration().to_codes(new) == new
    back = _migration().to_sentences(new)
    assert back["completeness"] == old["completeness"]
    assert back["interpretability"][1] == "解释过于简略（除套话外只有 34 字）"
    assert back["interpretability"][2] == "除套话外只有 12 字，未讲清办理经过和结果"
    with translation.override("en"):
        shown = quality.sentences(new)
    assert shown["completeness"][2] == "Only 34 characters beyond the formula"
    assert shown["interpretability"][2] == "除套话外只有 12 字，未讲清办理经过和结果"


def test_every_code_is_known_to_the_migration() -> None:
    """The migration's frozen copy of the sentences (as they were stored before the codes) knows
    each code the check gives, and reads each of its sentences back as that code with its figure.
    A code reworded since (`promises`) is shown in its new words: the rows hold codes now."""
    params = {"n": 7}
    frozen = _migration().SENTENCES
    assert set(quality.REASONS) <= set(frozen)
    for code, pair in frozen.items():
        for sentence in pair:
            counted = "%(n)d" in sentence
            said = sentence % params if counted else sentence
            assert _migration().to_codes({"c": [said]}) == {
                "c": [{"code": code, "params": params if counted else {}}]
            }
    with translation.override("zh-hans"):
        for code in quality.REASONS:  # each told in words, its figure in place
            said = quality.reason_text({"code": code, "params": params})
            assert said and "%(n)d" not in said and said != code


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_both_ways_on_stored_checks(flow: Flow) -> None:
    ticket = _replied(flow, DONE)
    check = ReplyCheck.objects.get(reply__ticket=ticket)
    codes = check.reasons
    try:
        apps = migrate_to([("feedback", "0006_reply_check_returned")])
        old = apps.get_model("feedback", "ReplyCheck").objects.get(pk=check.pk)
        assert "没有说明原因（因为、由于、不符合等）" in old.reasons["completeness"]
        old.reasons["relevance"] = ["一句不认识的话"]
        old.save(update_fields=["reasons"])
        apps = migrate_to([("feedback", "0007_reply_check_reason_codes")])
        new = apps.get_model("feedback", "ReplyCheck").objects.get(pk=check.pk)
        assert new.reasons == {**codes, "relevance": [{"text": "一句不认识的话"}]}
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
