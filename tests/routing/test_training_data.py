"""The learning loop: closed tickets become training examples, and a correction changes the next model."""

from pathlib import Path

import pytest

from hotline.accounts.models import User
from hotline.core.enums import Resolution, Satisfaction, TicketStatus
from hotline.directory.models import Department
from hotline.feedback import actions as feedback_actions
from hotline.routing import classifier
from hotline.routing.actions import retrain_category_model
from hotline.routing.models import ModelVersion
from hotline.routing.training_data import closed_ticket_examples, ticket_text
from hotline.taxonomy.models import Category
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, make_ticket
from tests.routing.conftest import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Category]:
    construction = CategoryFactory(code="01", name="城乡建设", level=1)
    environment = CategoryFactory(code="02", name="环境保护", level=1)
    noise = CategoryFactory(code="0201", name="噪声污染", level=2, parent=environment)
    building_noise = CategoryFactory(code="020101", name="建筑施工噪声", level=3, parent=noise)
    return {"城乡建设": construction, "环境保护": environment, "噪声污染": noise, "施工噪声": building_noise}


def closed_ticket(
    staff: dict[str, User],
    departments: dict[str, Department],
    title: str,
    content: str,
    category: Category | None,
    *,
    close: bool = True,
) -> Ticket:
    """A ticket taken through the real actions: the dispatcher sets `category` when dispatching."""
    ticket = make_ticket(title=title, content=content)
    ticket = actions.do_dispatch_ticket(
        ticket,
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        category_id=category.pk if category else None,
    )
    if not close:
        return ticket
    ticket = actions.do_accept_assignment(ticket, staff["housing"])
    ticket = feedback_actions.do_reply_ticket(ticket, staff["housing"], text="已联系相关单位处理。")
    ticket = feedback_actions.do_record_callback(
        ticket, staff["operator"], resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED
    )
    return feedback_actions.do_close_ticket(ticket, staff["operator"])


def test_closed_tickets_give_text_and_first_level_category(staff, departments, tree) -> None:
    done = closed_ticket(staff, departments, "工地夜间施工", "  每晚十二点还在打桩。\n", tree["施工噪声"])
    closed_ticket(staff, departments, "没有分类的工单", "内容", None)
    closed_ticket(staff, departments, "还在办理中", "路灯不亮", tree["城乡建设"], close=False)

    examples = list(closed_ticket_examples())

    assert [(e.ticket_id, e.label) for e in examples] == [(done.pk, "环境保护")]
    assert examples[0].text == "工地夜间施工\n每晚十二点还在打桩。"
    assert ticket_text(" 标题 ", "") == "标题"
    assert list(closed_ticket_examples(since=done.closed_at)) == examples
    later = done.closed_at.replace(year=done.closed_at.year + 1)
    assert list(closed_ticket_examples(since=later)) == []


def test_a_dispatchers_correction_changes_the_next_models_prediction(
    staff, departments, tree, tmp_path: Path
) -> None:
    # The base corpus files renovation noise under 城乡建设, so the first model does too.
    texts, labels = corpus(per_label=9)
    places = ["幸福路", "人民大道", "光明小区", "新华里", "滨河路", "东风街道"]
    for place in places:
        texts.append(f"{place}楼上装修噪音很大，电钻声吵得没法休息")
        labels.append("城乡建设")
    probe = "邻居家装修电钻噪音太吵了"

    first = retrain_category_model(texts, labels, folds=3, out=tmp_path / "v1")
    assert classifier.predict_top(classifier.load(first.path), probe)[0][0] == "城乡建设"

    # Dispatchers file the same complaints under 环境保护 / 噪声污染; the tickets are handled and closed.
    for place in [*places, "建设街", "和平里", "南湖路"]:
        closed_ticket(
            staff,
            departments,
            f"{place}装修噪音扰民",
            "楼上每天装修，电钻噪音吵得没法休息。",
            tree["噪声污染"],
        )
    corrections = list(closed_ticket_examples())
    assert len(corrections) == 9
    assert {e.label for e in corrections} == {"环境保护"}

    second = retrain_category_model(
        texts + [e.text for e in corrections],
        labels + [e.label for e in corrections],
        folds=3,
        out=tmp_path / "v2",
    )
    assert classifier.predict_top(classifier.load(second.path), probe)[0][0] == "环境保护"
    assert second.version == first.version + 1
    assert second.data_size == len(texts) + 9
    assert ModelVersion.objects.count() == 2
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert Ticket.objects.filter(status=TicketStatus.CLOSED).count() == 9
