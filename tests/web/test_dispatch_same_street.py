"""The dispatch desk's 相似工单 offers only what may be the same problem: an audit of the demo city
found 5 of 7 cards listing another problem on the same street (红绿灯 beside 停电 and 焚烧秸秆, 井盖
beside 房产证) at 0.92-0.95, each with 合并至 one click away, a "得分 0.95" without the 疑似重复 badge
(0.9452 rounded), and a reason naming "同一街道 · 同一地名：永宁", which add nothing to the score."""

import math
import re

import pytest

from hotline.dedup.indexing import embed_missing
from hotline.dedup.search import similar_to_ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
AGAIN = "之前反映过没有结果，恳请重视。"


def listed(page: str) -> list[str]:
    return re.findall(r'class="similar-ticket[^"]*" data-number="([^"]+)"', page)


def test_another_problem_on_the_same_street_is_not_offered_as_a_duplicate(client, staff) -> None:
    def call(title: str, content: str):
        return make_ticket(actor=staff["operator"], title=title, content=content, address="永宁街296号")

    lights = call("永宁街路口红绿灯时间太短", f"永宁街路口行人绿灯只有十几秒，老人走不过去就变灯了。{AGAIN}")
    power = call("永宁街一带突然停电", f"永宁街一带早上突然停电，没有任何通知，家里有病人要用制氧机。{AGAIN}")
    straw = call("永宁街附近焚烧秸秆", f"永宁街旁边的田里在烧秸秆，烟雾飘到小区，整个小区都是烟味。{AGAIN}")
    same = call("永宁街路口红绿灯太短", f"永宁街路口行人绿灯才十几秒，老人走不过去就变灯了。{AGAIN}")
    embed_missing()
    client.force_login(staff["dispatcher"])
    page = client.get(f"/dispatch/{lights.pk}/similar/", **HTMX).content.decode()
    assert power.number not in listed(page) and straw.number not in listed(page)
    # The same lights told again is offered, marked, with the merge.
    assert listed(page) == [same.number]
    card = page[page.index(f'data-number="{same.number}"') : page.index("</li>")]
    assert "疑似重复" in card and f'value="{same.pk}"' in card
    # The reason names what moved the score, not the street and the place name that add nothing.
    reason = re.search(r'class="muted reason">([^<]*)<', card)[1]
    assert reason.startswith("文本相似") and "同一街道" not in reason and "同一地名" not in reason


def test_the_score_shown_never_contradicts_the_badge(client, staff, settings) -> None:
    """A score just under the threshold (0.9452 at 0.95) was shown as "0.95" beside no badge. The
    desk lists what reaches the threshold, and shows a score cut to two decimals, never above it."""
    first = make_ticket(
        actor=staff["operator"], title="永宁街一带突然停电", content=f"永宁街一带突然停电。{AGAIN}"
    )
    again = make_ticket(
        actor=staff["operator"], title="永宁街一带停电", content=f"永宁街一带突然停电了。{AGAIN}"
    )
    embed_missing()
    (match,) = similar_to_ticket(again)
    score = match.score.score
    assert score * 100 != math.floor(score * 100)  # a score with more than two decimals
    dedup = settings.HOTLINE["DEDUP"]
    client.force_login(staff["dispatcher"])

    def page_at(threshold: float) -> str:
        settings.HOTLINE = {
            **settings.HOTLINE,
            "DEDUP": {**dedup, "THRESHOLD": {**dedup["THRESHOLD"], "ngram": threshold}},
        }
        return client.get(f"/dispatch/{again.pk}/similar/", **HTMX).content.decode()

    # The threshold is the score rounded up: not a duplicate, not offered.
    assert first.number not in listed(page_at(math.ceil(score * 100) / 100))
    # The threshold is the score cut: a duplicate, marked, shown at the threshold and not above the score.
    page = page_at(math.floor(score * 100) / 100)
    assert listed(page) == [first.number] and "疑似重复" in page
    assert float(re.search(r"得分 ([0-9.]+)", page)[1]) == math.floor(score * 100) / 100
