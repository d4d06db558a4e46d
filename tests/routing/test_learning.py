"""The learning loop: dispatchers' corrections become labels, and the next model learns them."""

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from hotline.core.enums import (
    Channel,
    Kind,
    LabelSource,
    Resolution,
    Role,
    Satisfaction,
    SuggestionSource,
    TicketStatus,
)
from hotline.feedback import actions as feedback_actions
from hotline.routing import classifier
from hotline.routing.decision import AppealFacts, decide
from hotline.routing.labels import collect_labels
from hotline.routing.models import ModelTarget, RetrainState, RoutingSettings, TrainingLabel
from hotline.routing.retrain import run_retrain
from hotline.routing.selectors import active_model_version
from hotline.routing.training_data import OTHER_DEPARTMENTS, category_examples, closed_ticket_examples
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import UserFactory, make_ticket
from tests.routing.conftest import close, corpus, register

pytestmark = pytest.mark.django_db

PLACES = ["幸福路", "人民大道", "光明小区", "新华里", "滨河路", "东风街道", "建设街", "和平里", "南湖路"]
PROBE = "邻居家装修电钻噪音太吵了"


def write_corpus(path: Path, texts: list[str], labels: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))
    return path


@pytest.fixture
def base(tmp_path, settings) -> tuple[list[str], list[str]]:
    """A base corpus that files renovation noise under 城乡建设, used by every retrain."""
    texts, labels = corpus(per_label=9)
    for place in PLACES[:6]:
        texts.append(f"{place}楼上装修噪音很大，电钻声吵得没法休息")
        labels.append("城乡建设")
    routing = {**settings.HOTLINE["ROUTING"], "RETRAIN_FOLDS": 3}
    routing["BASE_CORPUS"] = str(write_corpus(tmp_path / "base.csv", texts, labels))
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    settings.HOTLINE_HOME = tmp_path
    return texts, labels


def receive(client, title: str, content: str, **fields) -> Ticket:
    response = client.post("/appeals", {"channel": Channel.WEB, "title": title, "content": content, **fields})
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(pk=response.json()["id"])


def test_a_correction_changes_the_next_models_prediction(
    base, tmp_path, staff, api_as, corpus_tree, rules_by_category, bureaus
) -> None:
    texts, labels = base
    first = register(classifier.train(texts, labels), tmp_path / "v1", cv_macro_f1=0.5)
    assert classifier.predict_top(classifier.load(first.path), PROBE)[0][0] == "城乡建设"
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.9)
    operator, dispatcher = api_as(staff["operator"]), api_as(staff["dispatcher"])

    # Routing suggests the housing bureau (城乡建设); dispatchers send each to 环境保护 instead.
    for place in PLACES:
        ticket = receive(operator, f"{place}装修噪音扰民", "楼上每天装修，电钻噪音吵得没法休息。")
        assert ticket.routing_decisions.get().suggestions[0]["lead"]["code"] == bureaus["城乡建设"].code
        response = dispatcher.action(
            ticket,
            "dispatch",
            {"lead_department_id": bureaus["环境保护"].pk, "category_id": corpus_tree["环境保护"].pk},
        )
        assert response.status_code == 200, response.json()

    report = run_retrain()

    assert report["labels"] == 2 * len(PLACES)
    corrections = TrainingLabel.objects.filter(source=LabelSource.DISPATCH_CORRECTION)
    assert set(corrections.values_list("target", "label", "suggested")) == {
        (ModelTarget.CATEGORY, "环境保护", "城乡建设"),
        (ModelTarget.DEPARTMENT, bureaus["环境保护"].code, bureaus["城乡建设"].code),
    }
    assert {label.created_by for label in corrections} == {staff["dispatcher"]}
    assert report["category"]["trained"] and report["category"]["active"]
    assert report["category"]["examples"] == len(texts) + len(PLACES)
    assert "达到 20 条样本的承办单位只有 0 个" in report["department"]["reason"]
    second = active_model_version()
    assert second.version == first.version + 1
    assert classifier.predict_top(classifier.load(second.path), PROBE)[0][0] == "环境保护"
    # The next such appeal is suggested to the environment bureau.
    decision = decide(AppealFacts(title="装修噪音", content=PROBE))
    assert decision.suggestions[0].lead == bureaus["环境保护"]
    assert RetrainState.objects.get().last_report["category"]["version"] == second.version


def test_a_category_changed_at_dispatch_is_a_label(staff, api_as, corpus_tree, rules_by_category) -> None:
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.9)
    ticket = receive(api_as(staff["operator"]), "噪音", "装修噪音", category_id=corpus_tree["城乡建设"].pk)
    actions.do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=rules_by_category["城乡建设"].lead_department_id,
        category_id=corpus_tree["环境保护/其他"].pk,
    )
    assert collect_labels() == 1
    label = TrainingLabel.objects.get()
    assert (label.target, label.label, label.suggested, label.source) == (
        ModelTarget.CATEGORY,
        "环境保护",
        "城乡建设",
        LabelSource.CATEGORY_CHANGE,
    )
    assert label.text == "噪音\n装修噪音"


def test_an_upheld_return_is_a_label_and_collecting_twice_adds_nothing(staff, departments) -> None:
    ticket = make_ticket(actor=staff["operator"])
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    actions.do_return_assignment(ticket, staff["housing"], reason="不属于本单位职责")
    lead = ticket.assignments.get()
    actions.do_review_return(
        ticket,
        staff["dispatcher"],
        assignment_id=lead.pk,
        uphold=True,
        lead_department_id=departments["water"].pk,
    )

    assert collect_labels() == 1  # the first dispatch had no routing decision before it: no label
    label = TrainingLabel.objects.get()
    assert (label.target, label.label, label.suggested, label.source) == (
        ModelTarget.DEPARTMENT,
        departments["water"].code,
        departments["housing"].code,
        LabelSource.UPHELD_RETURN,
    )
    assert collect_labels() == 0
    assert TrainingLabel.objects.count() == 1


def test_an_upheld_return_that_corrects_the_category_is_a_category_label(
    staff, api_as, corpus_tree, rules_by_category, bureaus
) -> None:
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.9)
    operator, dispatcher = api_as(staff["operator"]), api_as(staff["dispatcher"])
    ticket = receive(operator, "噪音", "工地夜间施工噪音", category_id=corpus_tree["城乡建设/其他"].pk)
    housing = rules_by_category["城乡建设"].lead_department
    assert dispatcher.action(ticket, "dispatch", {"lead_department_id": housing.pk}).status_code == 200
    lead = ticket.assignments.get()
    assert api_as(staff["housing"]).action(ticket, "return", {"reason": "属于环保职责"}).status_code == 200

    response = dispatcher.action(
        ticket,
        "review_return",
        {
            "assignment_id": lead.pk,
            "uphold": True,
            "lead_department_id": bureaus["环境保护"].pk,
            "category_id": corpus_tree["环境保护/其他"].pk,
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["category"]["id"] == corpus_tree["环境保护/其他"].pk
    # The dispatch agreed with the category given at intake: only the review corrected it.
    assert collect_labels() == 2
    assert set(
        TrainingLabel.objects.filter(source=LabelSource.UPHELD_RETURN).values_list(
            "target", "label", "suggested"
        )
    ) == {
        (ModelTarget.CATEGORY, "环境保护", "城乡建设"),
        (ModelTarget.DEPARTMENT, bureaus["环境保护"].code, housing.code),
    }


def test_a_rejected_return_cannot_change_the_category(staff, api_as, corpus_tree, departments) -> None:
    ticket = make_ticket(actor=staff["operator"])
    actions.do_dispatch_ticket(ticket, staff["dispatcher"], lead_department_id=departments["housing"].pk)
    actions.do_return_assignment(ticket, staff["housing"], reason="不属于本单位职责")
    lead = ticket.assignments.get()
    response = api_as(staff["dispatcher"]).action(
        ticket,
        "review_return",
        {"assignment_id": lead.pk, "uphold": False, "category_id": corpus_tree["环境保护"].pk},
    )
    assert response.status_code == 422
    assert "只有支持退单时才能修改分类" in str(response.json())
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RETURNED


def test_what_the_system_dispatched_itself_is_no_correction(
    staff, api_as, corpus_tree, rules_by_category
) -> None:
    ticket = receive(
        api_as(staff["operator"]), "路灯", "路灯不亮", category_id=corpus_tree["城乡建设/其他"].pk
    )
    assert ticket.status == TicketStatus.DISPATCHED
    assert collect_labels() == 0


def test_with_enough_history_a_department_model_suggests_departments_directly(
    base, staff, departments, settings
) -> None:
    routing = {**settings.HOTLINE["ROUTING"], "DEPARTMENT_MODEL_MIN_EXAMPLES": 3, "BASE_CORPUS": ""}
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    texts, labels = corpus(per_label=9)
    lead = {"城乡建设": departments["housing"], "环境保护": departments["water"]}
    for text, label in zip(texts, labels, strict=True):
        if label in lead:  # closed without a category: only the department is known
            close(staff, make_ticket(title="来电", content=text), lead[label], None)

    report = run_retrain()

    assert not report["category"]["trained"]
    assert report["department"]["trained"]
    assert report["department"]["examples"] == 18
    assert active_model_version(ModelTarget.DEPARTMENT).labels == ["B01", "B02"]
    decision = decide(AppealFacts(title="垃圾", content="光明小区垃圾堆积发臭，请尽快处理。"))
    by_model = [s for s in decision.suggestions if s.source == SuggestionSource.MODEL]
    assert by_model and by_model[0].lead == departments["water"]
    assert by_model[0].reason.startswith("承办单位模型 department-v1 预测")
    assert by_model[0].terms


def test_departments_with_little_history_are_pooled_so_the_model_can_say_none_of_these(
    base, staff, departments, settings
) -> None:
    routing = {**settings.HOTLINE["ROUTING"], "DEPARTMENT_MODEL_MIN_EXAMPLES": 5, "BASE_CORPUS": ""}
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    texts, labels = corpus(per_label=9)
    lead = {"城乡建设": departments["housing"], "环境保护": departments["water"]}
    scarce = {"教育文体": departments["street"], "劳动和社会保障": departments["district"]}
    UserFactory(role=Role.HANDLER, department=departments["district"])
    seen: Counter[str] = Counter()
    for text, label in zip(texts, labels, strict=True):
        seen[label] += 1
        if label in lead or seen[label] <= 3:  # three tickets each for the two scarce departments
            close(staff, make_ticket(title="来电", content=text), (lead | scarce)[label], None)

    report = run_retrain()

    assert report["department"]["trained"]
    assert report["department"]["pooled"] == sorted(
        [departments["street"].code, departments["district"].code]
    )
    assert active_model_version(ModelTarget.DEPARTMENT).labels == ["B01", "B02", OTHER_DEPARTMENTS]
    decision = decide(AppealFacts(title="学校", content="东风街道学校乱收补课费，请尽快处理。"))
    by_model = [s for s in decision.suggestions if s.source == SuggestionSource.MODEL]
    assert all(s.confidence < 0.5 for s in by_model)  # "none of those two" took the probability
    assert all(s.lead.code != OTHER_DEPARTMENTS for s in decision.suggestions)


def test_a_category_too_scarce_to_cross_validate_is_left_out(
    base, staff, departments, corpus_tree, settings
) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "BASE_CORPUS": ""}}
    texts, labels = corpus(per_label=6)
    seen: Counter[str] = Counter()
    for text, label in zip(texts, labels, strict=True):
        seen[label] += 1
        if label != "教育文体" or seen[label] == 1:  # a single 教育文体 ticket
            close(staff, make_ticket(title="来电", content=text), departments["housing"], corpus_tree[label])

    report = run_retrain()

    assert report["category"]["trained"]
    assert report["category"]["left_out"] == {"教育文体": 1}
    assert "教育文体" not in active_model_version().labels


def test_too_few_examples_train_nothing_and_say_why(base, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "BASE_CORPUS": ""}}
    report = run_retrain()
    assert report["category"] == {
        "trained": False,
        "reason": "标签少于 2 类（0 类）",
        "examples": 0,
        "left_out": {},
        "older_left_out": 0,
    }
    assert active_model_version() is None


def test_the_worker_schedules_the_retrain(settings, django_capture_on_commit_callbacks) -> None:
    settings.HOTLINE_RETRAIN_INTERVAL = 3600
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    def worker() -> str:
        out = io.StringIO()
        call_command("worker", "--once", "--no-sweep", stdout=out)
        return out.getvalue()

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert "retrain enqueued" in worker()
    assert len(enqueued) == 1
    assert RetrainState.objects.get().last_enqueued_at is not None
    assert worker() == ""  # within the hour: not again
    settings.HOTLINE_RETRAIN_INTERVAL = 0
    RetrainState.objects.update(last_enqueued_at=None)
    assert worker() == ""  # switched off


def test_hotline_model_retrain_prints_the_report(base, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": {**settings.HOTLINE["ROUTING"], "BASE_CORPUS": ""}}
    out = io.StringIO()
    call_command("model", "retrain", stdout=out)
    report = json.loads(out.getvalue())
    assert report["labels"] == 0
    assert report["category"]["trained"] is False


def _take_to_closed(ticket: Ticket, staff) -> Ticket:
    lead = ticket.lead_assignment.department
    handler = UserFactory(role=Role.HANDLER, department=lead)
    ticket = actions.do_accept_assignment(ticket, handler)
    ticket = feedback_actions.do_reply_ticket(ticket, handler, text="已处理。")
    ticket = feedback_actions.do_record_callback(
        ticket, staff["operator"], resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED
    )
    return feedback_actions.do_close_ticket(ticket, staff["operator"])


def test_a_category_only_the_model_chose_is_not_learnt_back(
    active_model, staff, api_as, corpus_tree, rules_by_category, bureaus
) -> None:
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.0)
    operator = api_as(staff["operator"])
    guessed = receive(operator, "装修噪音", PROBE)  # no category: the classifier chooses one
    given = receive(operator, "路灯不亮", "幸福路路灯坏了", category_id=corpus_tree["城乡建设"].pk)
    for ticket in (guessed, given):
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.DISPATCHED and ticket.category is not None
        assert ticket.events.get(action="dispatch").actor.username == "system"
        _take_to_closed(ticket, staff)

    assert [e.ticket_id for e in closed_ticket_examples()] == [given.pk]
    # Once a person corrects a guess, the correction counts (before the ticket is even closed).
    corrected = receive(operator, "装修噪音", "楼上装修电钻声太吵")
    corrected.refresh_from_db()
    lead = corrected.lead_assignment
    handler = UserFactory(role=Role.HANDLER, department=lead.department)
    actions.do_return_assignment(corrected, handler, reason="不属于本单位")
    other = next(b for b in bureaus.values() if b != lead.department)
    right = "环境保护" if corrected.category.name != "环境保护" else "教育文体"
    actions.do_review_return(
        corrected,
        staff["dispatcher"],
        assignment_id=lead.pk,
        uphold=True,
        lead_department_id=other.pk,
        category_id=corpus_tree[right].pk,
    )
    collect_labels()
    assert {e.ticket_id for e in category_examples()} == {given.pk, corrected.pk}


QUESTIONS = [
    "居住证",
    "公积金提取",
    "社保转移",
    "护照",
    "营业执照",
    "新生儿落户",
    "驾照换证",
    "医保报销",
    "房产证",
]


def test_the_kind_model_learns_what_staff_chose_and_holds_back_questions_filed_as_complaints(
    base, staff, departments, settings
) -> None:
    routing = {**settings.HOTLINE["ROUTING"], "KIND_MODEL_MIN_EXAMPLES": 6, "BASE_CORPUS": ""}
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    housing = departments["housing"]
    texts, _labels = corpus(per_label=3)
    for text in texts[:9]:
        close(staff, make_ticket(actor=staff["operator"], title="来电", content=text), housing, None)
    for topic in QUESTIONS:
        question = f"请问{topic}怎么办理，需要带什么材料，在哪里办？"
        ticket = make_ticket(actor=staff["operator"], kind=Kind.CONSULTATION, title="咨询", content=question)
        close(staff, ticket, housing, None)
    # A web form (no person chose the kind) teaches nothing about kinds.
    close(staff, make_ticket(title="网上留言", content="请问怎么交物业费"), housing, None)

    report = run_retrain()

    assert report["kind"]["trained"], report["kind"]
    assert report["kind"]["examples"] == 18
    assert active_model_version(ModelTarget.KIND).labels == [Kind.COMPLAINT, Kind.CONSULTATION]
    RoutingSettings.objects.create(auto_dispatch=True, threshold=0.6)
    decision = decide(AppealFacts(title="来电", content="请问电动车上牌怎么办理，需要带什么材料？"))
    kind, probability = decision.kind_predictions[0]
    assert kind == Kind.CONSULTATION and probability >= 0.6
    assert not decision.automatic  # filed as a complaint (the default), but reads as a question
    assert any("诉求类型模型判断为咨询" in note for note in decision.notes)
    assert decide(AppealFacts(title="来电", content=texts[0])).kind_predictions[0][0] == Kind.COMPLAINT
    assert decision.as_dict()["kind_predictions"][0]["label"] == Kind.CONSULTATION


def test_a_long_history_is_cut_to_the_newest_tickets_and_the_corrections(
    staff, departments, corpus_tree, settings
) -> None:
    routing = {
        **settings.HOTLINE["ROUTING"],
        "BASE_CORPUS": "",
        "RETRAIN_FOLDS": 3,
        "RETRAIN_MAX_EXAMPLES": 13,
    }
    settings.HOTLINE = {**settings.HOTLINE, "ROUTING": routing}
    texts, labels = corpus(per_label=6)
    by_label: dict[str, list[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        by_label.setdefault(label, []).append(text)
    # The oldest tickets are about schools; one of them a dispatcher corrected to 城乡建设.
    old = [
        close(staff, make_ticket(title="来电", content=text), departments["housing"], corpus_tree["教育文体"])
        for text in by_label["教育文体"]
    ]
    TrainingLabel.objects.create(
        ticket=old[0],
        event=old[0].events.first(),
        target=ModelTarget.CATEGORY,
        label="城乡建设",
        suggested="教育文体",
        source=LabelSource.DISPATCH_CORRECTION,
        text=old[0].content,
        created_at=old[0].created_at,
    )
    for label in ("城乡建设", "环境保护"):
        for text in by_label[label]:
            close(staff, make_ticket(title="来电", content=text), departments["housing"], corpus_tree[label])

    report = run_retrain()

    assert report["category"]["trained"]
    # 13 of 18: the correction and the 12 newest; the 5 other school tickets are too old to count.
    assert report["category"]["examples"] == 13
    assert report["category"]["older_left_out"] == 5
    assert active_model_version().labels == ["城乡建设", "环境保护"]
