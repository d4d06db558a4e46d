"""A small synthetic corpus of hotline messages in four first-level categories.

Each message combines a place, a problem typical of its category and a request, so that the words
that decide the category are known to the test and the rest is shared noise.
"""

import itertools
from pathlib import Path

import pytest

from hotline.routing import classifier

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


@pytest.fixture(scope="session")
def small_model() -> classifier.Model:
    """One model trained once for the tests that only read it."""
    texts, labels = corpus()
    return classifier.train(texts, labels)
