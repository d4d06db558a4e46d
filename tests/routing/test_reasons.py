"""Routing's reasons in the reader's language: told from the facts a suggestion keeps (stored with the
decision and with an automatic dispatch), while the words stored beside them stay the city's."""

import re

import pytest
from django.utils import translation

from hotline.core.enums import Channel, DepartmentLevel, TicketStatus
from hotline.directory.models import Responsibility
from hotline.routing.models import RoutingSettings
from hotline.routing.reasons import dispatch_note, suggestion_reason
from hotline.routing.rules import Subject, evaluate
from hotline.routing.text import normalize
from hotline.tickets.models import Ticket
from tests.api.conftest import ApiClient
from tests.factories import CategoryFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

# Chinese punctuation that an English sentence never needs (curly quotes are English too).
FULL_WIDTH = re.compile(r"[：，（）；、。]")


def receive(client: ApiClient, title: str, content: str, **fields) -> Ticket:
    body = {"channel": Channel.WEB, "title": title, "content": content, **fields}
    response = client.post("/appeals", body)
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


def test_a_stored_suggestion_is_told_in_the_readers_language(
    staff, api_as, active_model, rules_by_category, bureaus
) -> None:
    ticket = receive(
        api_as(staff["operator"]), "小区问题", "小区里问题很多，工资、垃圾、路灯都有问题，麻烦看看。"
    )
    stored = ticket.routing_decisions.get().suggestions
    top = stored[0]
    label = top["label"]

    # Stored in the city's language, as before; told again from the facts, the same words.
    assert top["reason"].startswith(f"分类模型预测“{label}”（")
    assert f"权责清单“{label}归口”：分类 {label}" in top["reason"]
    assert suggestion_reason(top) == top["reason"]
    with translation.override("en"):
        told = suggestion_reason(top)
    assert told.startswith(f"The category model predicts “{label}” (")
    assert f"; responsibility rule “{label}归口”: category {label}" in told
    assert "; main words: " in told and not FULL_WIDTH.search(told.replace(label, ""))

    # The API's queue answers in the request's language.
    dispatcher = api_as(staff["dispatcher"])
    dispatcher.headers["Accept-Language"] = "en"
    (item,) = dispatcher.get("/routing/queue").json()["items"]
    assert [s["reason"] for s in item["suggestions"]] == [
        told,
        *(s["reason"] for s in item["suggestions"][1:]),
    ]
    assert all(s["reason"].startswith("The category model predicts") for s in item["suggestions"])


def test_an_automatic_dispatch_is_told_in_the_readers_language(
    client, staff, api_as, rules_by_category, corpus_tree, departments
) -> None:
    ticket = receive(
        api_as(staff["operator"]),
        "路灯不亮",
        "和平街道幸福路12号门口路灯坏了一周",
        category_id=corpus_tree["城乡建设/其他"].pk,
    )
    assert ticket.status == TicketStatus.DISPATCHED
    dispatch = ticket.events.get(action="dispatch")
    # The note stays in the city's words; its facts are kept beside it.
    assert (
        dispatch.details["note"]
        == "自动派单（置信度 1.00 ≥ 阈值 0.90）：权责清单“城乡建设归口”：分类 城乡建设"
    )
    assert dispatch_note(dispatch.details["routed"]) == dispatch.details["note"]

    client.force_login(staff["dispatcher"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert (
        "Note: Dispatched automatically (confidence 1.00 ≥ threshold 0.90): "
        "Responsibility rule “城乡建设归口”: category 城乡建设"
    ) in timeline
    assert "自动派单" not in timeline


def test_a_dispatch_stored_before_its_facts_keeps_its_words() -> None:
    """A suggestion or a dispatch routed before the facts were kept has only its words to show."""
    old = {"source": "rule", "reason": "权责清单“城乡建设归口”：分类 城乡建设", "terms": []}
    with translation.override("en"):
        assert suggestion_reason(old) == "权责清单“城乡建设归口”：分类 城乡建设"


@pytest.mark.parametrize(
    ("total", "english"),
    [
        (1, "100% of the 1 closed ticket of “劳动和社会保障” in the last 90 days was led by 水务局"),
        (3, "100% of the 3 closed tickets of “劳动和社会保障” in the last 90 days were led by 水务局"),
    ],
)
def test_the_history_in_english(total: int, english: str) -> None:
    history = {
        "source": "history",
        "label": "劳动和社会保障",
        "probability": 0.8,
        "rule": None,
        "lead": {"name": "水务局"},
        "category": {"name": "劳动和社会保障"},
        "terms": [{"term": "工资", "weight": 0.5}, {"term": "拖欠", "weight": 0.2}],
        "basis": {"days": 90, "total": total, "share": 1.0},
    }
    assert suggestion_reason(history) == (
        "分类模型预测“劳动和社会保障”（80%）；无适用的权责清单规则；"
        f"近 90 天“劳动和社会保障”类已办结工单 {total} 件中 100% 由水务局主办；主要依据：工资、拖欠"
    )
    with translation.override("en"):
        assert suggestion_reason(history) == (
            "The category model predicts “劳动和社会保障” (80%); no responsibility rule applies; "
            f"{english}; main words: 工资, 拖欠"
        )


def test_the_department_model_in_english() -> None:
    model = {
        "source": "model",
        "label": "B02",
        "probability": 0.05,
        "rule": None,
        "lead": {"name": "水务局"},
        "category": None,
        "terms": [{"term": "入学", "weight": 0.3}],
        "basis": {"model": "department-v1"},
    }
    assert suggestion_reason(model) == "承办单位模型 department-v1 预测（5%）；主要依据：入学"
    with translation.override("en"):
        assert suggestion_reason(model) == "Department model department-v1 predicts it (5%); main words: 入学"


def test_why_rules_do_not_apply_in_english() -> None:
    env = CategoryFactory(code="02", name="环境保护", level=1)
    noise = CategoryFactory(code="0201", name="噪声污染", level=2, parent=env)
    district = DepartmentFactory(code="D1", name="东湖区", level=DepartmentLevel.DISTRICT, is_area=True)
    other = DepartmentFactory(code="D2", name="西山区", level=DepartmentLevel.DISTRICT, is_area=True)
    police = DepartmentFactory(code="GAJ", name="公安局")
    bar = Responsibility.objects.create(
        name="娱乐场所噪声", category=noise, lead_department=police, keywords="KTV、酒吧", area=district
    )

    with translation.override("en"):
        outcome = evaluate(Subject(normalize("邻居吵闹"), noise, other))
        guessed = evaluate(Subject(normalize("楼下酒吧很吵"), env, district, predicted=True))

    (check,) = [c for c in outcome.checks if c.rule == bar]
    assert check.failures == [
        "Area does not match: the rule is only for “东湖区”, the ticket's area is “西山区”",
        "None of the keywords appears: KTV, 酒吧",  # not a Python list, not 、
    ]
    assert outcome.note == "No rule applies"
    assert guessed.fired is not None and guessed.fired.matched == {
        "category": "环境保护 / 噪声污染 (inferred from the keywords)",
        "area": "东湖区",
        "keywords": ["酒吧"],
    }
    # The suggestion keeps the path and how it matched apart, for any language to tell.
    assert (guessed.fired.category_path, guessed.fired.inferred) == ("环境保护 / 噪声污染", True)


def test_the_admin_console_speaks_english(client, staff, rules_by_category, corpus_tree) -> None:
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.9)
    housing = rules_by_category["城乡建设"].lead_department
    Responsibility.objects.create(
        name="燃气", category=corpus_tree["城乡建设/其他"], lead_department=housing, keywords="燃气、煤气"
    )
    staff["admin"].is_staff = staff["admin"].is_superuser = True
    staff["admin"].save()
    client.force_login(staff["admin"])
    client.cookies["django_language"] = "en"

    response = client.get(
        "/admin/directory/responsibility/console/",
        {"title": "路灯不亮", "text": "门口路灯坏了", "category": corpus_tree["城乡建设/其他"].pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "None of the keywords appears: 燃气, 煤气" in html and "['燃气', '煤气']" not in html
    assert "Responsibility rule “城乡建设归口”: category 城乡建设" in html
    # The findings (the form above them holds the city's own names).
    text = re.sub(r"<[^>]+>", " ", html[html.index("<h2") :])
    assert not FULL_WIDTH.search(text), FULL_WIDTH.findall(text)
