"""A small synthetic corpus of hotline messages in four first-level categories.

Each message combines a place, a problem typical of its category and a request, so that the words
that decide the category are known to the test and the rest is shared noise.
"""

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.accounts.models import User
from hotline.core.enums import Resolution, Role, Satisfaction
from hotline.directory.models import Department, Responsibility
from hotline.feedback import actions as feedback_actions
from hotline.routing import classifier
from hotline.routing.actions import do_register_model
from hotline.routing.models import ModelTarget, ModelVersion
from hotline.taxonomy.models import Category
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.api.conftest import anonymous, api_as  # noqa: F401  (fixtures shared with the API tests)
from tests.factories import CategoryFactory, DepartmentFactory
from tests.light_dedup import light_dedup

PLACES = ["幸福路12号", "人民大道", "光明小区", "新华里社区", "滨河路", "东风街道"]
REQUESTS = ["请尽快处理。", "希望有关部门管一管！", "多次反映无人解决。"]
PROBLEMS = {
    "城乡建设": ["路灯不亮好几天了", "井盖缺失很危险", "道路坑洼积水严重", "楼道墙皮脱落"],
    "环境保护": ["垃圾堆积发臭", "夜间施工噪音扰民", "工厂排放污水到河里", "餐馆油烟熏人"],
    "教育文体": ["学校乱收补课费", "幼儿园入学难", "老师体罚学生", "体育馆不对外开放"],
    "劳动和社会保障": ["公司拖欠工资三个月", "单位不交社保", "退休养老金迟迟不发", "公积金无法提取"],
}

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LABELLED_CSV = DATA_DIR / "tipdm" / "messages_labelled.csv"


def corpus(per_label: int = 12) -> tuple[list[str], list[str]]:
    """`per_label` messages for each category (at most 72), in a fixed order."""
    texts: list[str] = []
    labels: list[str] = []
    for label, problems in PROBLEMS.items():
        combos = itertools.islice(itertools.product(PLACES, problems, REQUESTS), 0, None, 5)
        for place, problem, request in itertools.islice(combos, per_label):
            texts.append(f"{place}{problem}，{request}")
            labels.append(label)
    return texts, labels


@pytest.fixture(autouse=True)
def _dedup_light(settings, tmp_path) -> Iterator[None]:
    """Routing searches the open tickets for a duplicate before it dispatches by itself: with
    character n-grams (no model to load), its index under the test's own HOTLINE_HOME, and no
    process-wide index left from another test (its vectors were rolled back)."""
    with light_dedup(settings, tmp_path):
        yield


@pytest.fixture(scope="session")
def small_model() -> classifier.Model:
    """One model trained once for the tests that only read it."""
    texts, labels = corpus()
    return classifier.train(texts, labels)


@pytest.fixture
def corpus_tree(db) -> dict[str, Category]:
    """The first-level categories of `corpus()`, with one subcategory each."""
    roots = {
        name: CategoryFactory(code=f"{i:02d}", name=name, level=1) for i, name in enumerate(PROBLEMS, start=1)
    }
    subs = {
        f"{name}/其他": CategoryFactory(code=f"{i:02d}99", name="其他", level=2, parent=roots[name])
        for i, name in enumerate(PROBLEMS, start=1)
    }
    return {**roots, **subs}


@pytest.fixture
def bureaus(departments) -> dict[str, Department]:
    """The bureaus that lead each corpus category (housing and water come from `departments`)."""
    return {
        "城乡建设": departments["housing"],
        "环境保护": DepartmentFactory(code="B03", name="生态环境局"),
        "教育文体": DepartmentFactory(code="B04", name="教育局"),
        "劳动和社会保障": DepartmentFactory(code="B05", name="人社局"),
    }


@pytest.fixture
def rules_by_category(corpus_tree, bureaus) -> dict[str, Responsibility]:
    """One rule per first-level category: its bureau leads."""
    return {
        name: Responsibility.objects.create(
            name=f"{name}归口", category=corpus_tree[name], lead_department=bureau
        )
        for name, bureau in bureaus.items()
    }


def register(model: classifier.Model, folder: Path, cv_macro_f1: float = 0.8) -> ModelVersion:
    """Save `model` and make it the active version (with a stated CV score, skipping the CV run)."""
    model.meta.setdefault("metrics", {})["cv"] = {"macro_f1": cv_macro_f1}
    classifier.save(model, folder)
    return do_register_model(folder, target=model.meta.get("target", ModelTarget.CATEGORY))


@pytest.fixture
def active_model(small_model, tmp_path, db) -> ModelVersion:
    """`small_model` as the active category model."""
    return register(classifier.Model(small_model.pipeline, dict(small_model.meta)), tmp_path / "category-v1")


def close(staff: dict[str, User], ticket: Ticket, lead: Department, category: Category | None) -> Ticket:
    """Dispatch `ticket` to `lead` with `category` and take it through to closed, by the real actions."""
    handler = User.objects.get(department=lead, role=Role.HANDLER)
    ticket = actions.do_dispatch_ticket(
        ticket, staff["dispatcher"], lead_department_id=lead.pk, category_id=category.pk if category else None
    )
    ticket = actions.do_accept_assignment(ticket, handler)
    ticket = feedback_actions.do_reply_ticket(ticket, handler, text="已处理。")
    ticket = feedback_actions.do_record_callback(
        ticket, staff["operator"], resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED
    )
    return feedback_actions.do_close_ticket(ticket, staff["operator"])
