"""The public statistics (/stats/): open to anyone, the monthly figures of analytics.facts, the
categories' shares, nothing personal or internal, and cacheable."""

import re

from hotline.core import clock
from hotline.tickets.models import Ticket
from tests.analytics.conftest import at, june  # noqa: F401  (the hand-built June)


def get(client):
    with clock.frozen_at(at(6, 20, 12)):
        return client.get("/stats/")


def test_anyone_sees_the_monthly_figures(client, june) -> None:  # noqa: F811
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(
        r"<tr>\s*<td>(\d{4}-\d{2})</td>\s*<td class=\"n\">(\d+)</td>"
        r"\s*<td class=\"n\">([^<]*)</td>\s*<td class=\"n\">([^<]*)</td>",
        html,
    )
    assert len(rows) == 12 and rows[0][0] == "2024-07" and rows[-1][0] == "2025-06"
    assert rows[-2] == ("2025-05", "1", "—", "—")
    assert rows[-1] == ("2025-06", "8", "50.0%", "66.7%")
    shares = html[html.index('id="table-shares"') :]
    # Shares of all nine tickets, the five filed under no category among them (未分类).
    assert '<td>城乡建设</td><td class="n">3</td><td class="n">33.3%</td>' in shares
    assert '<td>教育</td><td class="n">1</td><td class="n">11.1%</td>' in shares
    assert '<td>未分类</td><td class="n">5</td><td class="n">55.6%</td>' in shares


def test_nothing_personal_or_internal(client, staff, june) -> None:  # noqa: F811
    html = get(client).content.decode()
    assert not re.search(r"1\d{10}", html)  # no phone numbers
    assert "138" not in html and "****" not in html  # not even masked
    for number in Ticket.objects.values_list("number", flat=True):
        assert number not in html
    for user in staff.values():
        assert f">{user.username}<" not in html and f" {user.username} " not in html
    for word in ("张先生", "幸福路", "路灯不亮", "住建局", "水务局", "已修复", "csrfmiddlewaretoken", "退出"):
        assert word not in html


def test_cache_friendly(client, june) -> None:  # noqa: F811
    response = get(client)
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "") and not response.cookies


def test_a_language_chosen_by_cookie_is_not_kept_by_a_shared_cache(client, june, settings) -> None:  # noqa: F811
    # Without ?lang= the page follows the language cookie the other pages' switch sets; a shared cache
    # keys the page by its address and Accept-Language, so it would hand this reader's English page
    # to the next reader of Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    followed = get(client)
    assert followed["Content-Language"] == "en"
    assert "private" in followed["Cache-Control"] and "public" not in followed["Cache-Control"]
    named = client.get("/stats/?lang=en")  # the address names it: shared alike
    assert "public" in named["Cache-Control"] and named["Content-Language"] == "en"


def test_signed_in_staff_get_the_same_public_page(client, staff, june) -> None:  # noqa: F811
    client.force_login(staff["admin"])
    html = get(client).content.decode()
    assert staff["admin"].username not in html and 'href="/overview/"' not in html


def test_an_empty_city(client, db) -> None:
    response = get(client)
    assert response.status_code == 200 and "暂无数据" in response.content.decode()


def test_one_address_asking_in_a_loop_gets_429_with_retry_after(client, db, settings) -> None:
    settings.HOTLINE = {**settings.HOTLINE, "PORTAL": {**settings.HOTLINE["PORTAL"], "STATS_PER_HOUR": 3}}
    for _ in range(3):
        assert client.get("/stats/", REMOTE_ADDR="10.1.1.1").status_code == 200
    refused = client.get("/stats/", REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "访问过于频繁" in refused.content.decode()
    assert "public" not in refused["Cache-Control"]  # a shared cache must not keep the refusal
    assert client.get("/stats/", REMOTE_ADDR="10.1.1.2").status_code == 200
