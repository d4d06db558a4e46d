"""`POST /api/v1/routing/explain` and the words behind a prediction."""

import pytest

from hotline.core.enums import AreaRole
from hotline.directory.models import Responsibility
from hotline.routing.explain import top_terms
from hotline.routing.models import RoutingDecision
from tests.routing.conftest import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher(staff, api_as):
    return api_as(staff["dispatcher"])


def test_the_terms_that_push_a_class_come_from_the_text(small_model) -> None:
    terms = top_terms(small_model, "楼下夜间施工噪音扰民", ["环境保护", "教育文体", "不存在的类"])
    pushing = [t.term for t in terms["环境保护"]]
    assert {"噪音", "施工"} <= set(pushing)
    assert all(t.weight > 0 for t in terms["环境保护"])
    assert [t.weight for t in terms["环境保护"]] == sorted(
        (t.weight for t in terms["环境保护"]), reverse=True
    )
    assert all(t.term in "楼下夜间施工噪音扰民" for t in terms["环境保护"])
    assert terms["不存在的类"] == []


def test_with_two_classes_the_first_class_gets_the_opposite_shares() -> None:
    from hotline.routing import classifier

    texts, labels = corpus()
    keep = [i for i, label in enumerate(labels) if label in ("城乡建设", "环境保护")]
    model = classifier.train([texts[i] for i in keep], [labels[i] for i in keep])
    terms = top_terms(model, "路灯不亮，垃圾堆积发臭", ["城乡建设", "环境保护"])
    assert "路灯" in [t.term for t in terms["城乡建设"]]
    assert "垃圾" in [t.term for t in terms["环境保护"]]


@pytest.fixture
def street_rule(corpus_tree, departments) -> Responsibility:
    """A street-light rule of one district, which its streets lead (属地主办)."""
    return Responsibility.objects.create(
        name="和平街道路灯",
        category=corpus_tree["城乡建设/其他"],
        area=departments["district"],
        area_role=AreaRole.LEAD,
        keywords="路灯",
    )


def test_explain_shows_the_rule_that_fires_and_why_others_do_not(
    dispatcher, rules_by_category, corpus_tree, bureaus, departments, street_rule
) -> None:
    Responsibility.objects.create(
        name="停用的规则",
        category=corpus_tree["城乡建设"],
        lead_department=bureaus["环境保护"],
        is_active=False,
    )
    body = {
        "title": "路灯不亮",
        "text": "幸福路12号门口路灯坏了一周",
        "address": "和平街道幸福路12号",
        "category_id": corpus_tree["城乡建设/其他"].pk,
    }

    response = dispatcher.post("/routing/explain", body)

    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["mode"] == "auto"
    assert result["place"]["area"]["code"] == "D0101"
    assert result["place"]["how"] == "gazetteer"
    fired = result["rules"]["fired"]
    assert fired["rule"] == {"id": street_rule.pk, "name": "和平街道路灯"}
    assert fired["matched"] == {"category": "城乡建设 / 其他", "area": "东城区", "keywords": ["路灯"]}
    considered = {c["rule"]["name"]: c for c in result["rules"]["considered"]}
    assert considered["城乡建设归口"]["outranked_by"]["name"] == "和平街道路灯"
    assert considered["停用的规则"]["failures"] == ["规则已停用"]
    assert "环境保护归口" not in considered  # another first-level category
    (top,) = result["suggestions"]
    assert top["lead"]["code"] == "D0101"  # the street leads: 属地主办
    assert top["confidence"] == 1.0
    assert not RoutingDecision.objects.exists()  # explaining stores nothing


def test_a_stored_decision_keeps_the_rules_that_applied_and_counts_the_rest(
    staff, api_as, dispatcher, rules_by_category, corpus_tree, bureaus, street_rule
) -> None:
    # A city's responsibility list holds hundreds of rules under one first-level category: every
    # routed ticket storing each one's why-not would grow the decisions with the list, for a record
    # nobody reads (the explanation works them out again for a text).
    for i in range(30):
        Responsibility.objects.create(
            name=f"不相干的规则{i}",
            category=corpus_tree["城乡建设"],
            lead_department=bureaus["环境保护"],
            keywords=f"词语{i}",
        )
    body = {
        "title": "路灯不亮",
        "address": "和平街道幸福路12号",
        "category_id": corpus_tree["城乡建设/其他"].pk,
    }
    explained = dispatcher.post("/routing/explain", {**body, "text": "幸福路12号门口路灯坏了一周"}).json()
    assert len(explained["rules"]["considered"]) == 32

    response = api_as(staff["operator"]).post(
        "/appeals", {**body, "channel": "web", "content": "幸福路12号门口路灯坏了一周"}
    )
    assert response.status_code == 201, response.json()

    stored = RoutingDecision.objects.get(ticket_id=response.json()["id"]).evidence["rules"]
    assert stored["fired"] == explained["rules"]["fired"]
    assert stored["fired"]["rule"]["id"] == street_rule.pk
    assert [c["rule"]["name"] for c in stored["considered"]] == ["和平街道路灯", "城乡建设归口"]
    assert stored["considered"][1]["outranked_by"]["name"] == "和平街道路灯"
    assert stored["not_applying"] == 30


def test_explain_predicts_when_no_category_is_given(dispatcher, active_model, rules_by_category) -> None:
    result = dispatcher.post("/routing/explain", {"text": "公司拖欠工资三个月，请尽快处理。"}).json()
    assert result["category_given"] is False
    assert result["category"]["name"] == "劳动和社会保障"
    assert result["predictions"][0]["label"] == "劳动和社会保障"
    assert result["model_version"] == active_model.name
    assert result["suggestions"][0]["terms"][0]["term"] in "公司拖欠工资三个月，请尽快处理。"
    assert result["urgency"] == {"urgent": False, "findings": []}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "title 和 text 至少填写一项"),
        ({"title": "  ", "text": ""}, "title 和 text 至少填写一项"),
        ({"text": "x", "latitude": 20.0}, "latitude 和 longitude 须同时给出"),
        ({"text": "x", "latitude": 91, "longitude": 0}, "latitude:"),
        ({"text": "x", "category_id": 0}, "category_id:"),
        ({"text": "x", "category_id": 999999}, "category_id: 分类 999999 不存在"),
        ({"text": "x", "area_id": 999999}, "area_id: 属地单位 999999 不存在"),
        ({"text": "x", "colour": "red"}, "colour:"),
        ({"text": "x" * 20_001}, "text:"),
        ({"text": "a\x00b"}, "text:"),
    ],
)
def test_bad_input_is_422_with_a_message(dispatcher, body, detail) -> None:
    response = dispatcher.post("/routing/explain", body)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_a_body_that_is_not_json_is_refused(dispatcher) -> None:
    response = dispatcher.post("/routing/explain", raw="not json")
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_a_bureau_is_not_an_area(dispatcher, departments) -> None:
    response = dispatcher.post("/routing/explain", {"text": "x", "area_id": departments["housing"].pk})
    assert response.status_code == 422


def test_the_scorers_features_are_the_pipelines_transform(small_model):
    """Routing explains with the scorer's arithmetic (fast); it must equal scikit-learn's transform."""
    text = "幸福路12号夜间施工噪音扰民，请尽快处理。"
    prepared = small_model.pipeline.named_steps["prepare"].transform([text])
    row = small_model.pipeline.named_steps["features"].transform(prepared).tocsr()
    expected = {int(c): float(v) for c, v in zip(row.indices, row.data, strict=True)}

    found = {column: value for _term, column, value in small_model.scorer.weighted_terms(text)}

    assert found.keys() == expected.keys()
    # scikit-learn computes in float32, the scorer in float64.
    assert all(abs(found[c] - expected[c]) <= 1e-6 * abs(expected[c]) for c in expected)
