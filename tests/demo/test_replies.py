"""The demo city's replies, judged by the product's reply-quality check (`feedback.quality`): most
units answer in full (what was found and why, the basis, what was done, the result, what next) and
pass; a realistic minority answers in a bare line or a formula and is flagged, so that the
supervisors' list of weak replies and the departments' 答复质量存疑率 tell something."""

import pytest

from hotline.demo import generator
from hotline.demo import vocabulary as V
from hotline.feedback import quality
from tests.demo.test_demo import NOW

# One ticket's words, as `Planner.words` fills them.
WORDS = {
    "district": "东湖区",
    "street": "湖滨街道",
    "community": "望湖社区",
    "road": "幸福路",
    "road2": "文化路",
    "addr": "幸福路12号",
    "xiaoqu": "锦绣花园",
    "building": "7栋",
    "time": "每天晚上十点后",
    "since": "半个多月",
    "shop": "烧烤店",
    "company": "宏达物流有限公司",
    "school": "东湖区第3小学",
    "bus": "25路公交",
    "training": "启航教育培训中心",
    "gym": "悦动健身会所",
    "n": "4",
    "surname": "王",
    "number": "12",
}
DEPT = "市城管局"


def appeal(problem: V.Problem, n: int) -> tuple[str, str]:
    """The title and text of an appeal telling the problem's `n`th detail, as `receive_step` writes them."""
    paired = len(problem.titles) == len(problem.details)
    title = (problem.titles[n] if paired else problem.titles[0]).format_map(WORDS)
    text = "我住在湖滨街道锦绣花园，" + problem.details[n].format_map(WORDS) + V.CLOSINGS[problem.kind][0]
    return title, text


def letter(problem: V.Problem, title: str, answer: str) -> str:
    """The reply as the demo sends it in the official form, signed with the unit and the day."""
    text = generator.reply_letter(problem.kind, NOW, title, answer, DEPT, V.department_phone("CGJ"))
    return f"{text}\n{DEPT}\n2026年3月20日"


@pytest.mark.parametrize("problem", V.PROBLEMS, ids=lambda p: p.key)
def test_every_full_answer_passes_the_check(problem: V.Problem) -> None:
    assert problem.full_replies, problem.key
    paired = len(problem.full_replies) == len(problem.details)
    for n in range(len(problem.details)):
        title, text = appeal(problem, n)
        for answer in [problem.full_replies[n]] if paired else problem.full_replies:
            result = quality.check(
                title, text, letter(problem, title, answer.format_map(WORDS | {"dept": DEPT}))
            )
            assert not result.weak, (problem.key, n, result.scores(), result.reasons)


@pytest.mark.parametrize("problem", V.PROBLEMS, ids=lambda p: p.key)
def test_a_bare_line_or_a_formula_is_flagged(problem: V.Problem) -> None:
    title, text = appeal(problem, 0)
    words = WORDS | {"dept": DEPT}
    for line in problem.replies:
        assert quality.check(title, text, line.format_map(words)).weak, (problem.key, line)
    for formula in V.GENERIC_REPLIES:
        assert quality.check(title, text, letter(problem, title, formula.format_map(words))).weak


# The demo city's replies are checked on a demo of 80 tickets generated once for the tests that read
# it: TestTheDemoOf80Tickets.test_the_demo_city_has_weak_replies_and_good_ones (test_routing.py).
