"""A hot spot's crowd (人群: 业主, 居民, ...) in the reader's language: the hot spot keeps the word in
Chinese, and every word of the pages' crowd cells comes from a translatable string.

The check does not depend on what the English catalogue holds: every translation is replaced by a
pseudo-translation that writes each Chinese character as "x", so a Chinese character left in a
crowd cell came from the data, untranslated."""

import html as html_lib
import io
import re
from datetime import date
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from hotline.analytics.hotspots import CROWDS
from hotline.analytics.reports import period_of
from hotline.core import clock
from hotline.web.crowds import CROWD_WORDS, crowd_word
from tests.analytics.conftest import at, kept_hotspots

pytestmark = pytest.mark.django_db

NOW = at(6, 20, 12)
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def pseudo(text: str) -> str:
    return CHINESE.sub("x", text)


@pytest.fixture
def pseudo_translated(monkeypatch) -> None:
    """Every string marked for translation comes out as its pseudo-translation."""
    fakes = {
        "gettext": lambda message: pseudo(message),
        "ngettext": lambda singular, plural, n: pseudo(singular if n == 1 else plural),
        "pgettext": lambda context, message: pseudo(message),
        "npgettext": lambda context, singular, plural, n: pseudo(singular if n == 1 else plural),
    }
    for name, fake in fakes.items():
        monkeypatch.setattr(translation._trans, name, fake, raising=False)


def cells(page: str, table_id: str, column: int) -> list[str]:
    """The text of the `column`th cell of each row of the table's body."""
    body = page.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    found = [re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", row[column])).strip() for row in found]


def get(client: Any, user: Any, path: str, **params: str) -> Any:
    client.force_login(user)
    with clock.frozen_at(NOW):
        return client.get(path, params)


def test_every_crowd_the_hot_spots_find_has_its_translatable_word() -> None:
    assert sorted(CROWD_WORDS) == sorted(CROWDS)
    assert crowd_word("居民") == "居民" and crowd_word("") == "" and crowd_word("路人甲") == ""
    with translation.override("en"):
        # Without the catalogue's translation, the Chinese word: the test of the catalogue says so.
        assert crowd_word("居民") in {"居民", str(CROWD_WORDS["居民"])}


def test_the_overview_says_the_crowd_in_translated_words(
    client, staff, departments, pseudo_translated
) -> None:
    kept_hotspots("recent", at(5, 21, 12), NOW, departments["street"])
    page = get(client, staff["leader"], "/overview/").content.decode()
    (crowd,) = cells(page, "table-hotspots", 4)
    assert crowd == "xx 4 x"  # 居民 4 人: the crowd and the count, both translated


def test_the_report_and_its_sheet_say_the_crowd_in_translated_words(
    client, staff, departments, pseudo_translated
) -> None:
    june = period_of("monthly", date(2025, 6, 18))
    kept_hotspots("monthly", june.start, june.end, departments["street"])
    page = get(client, staff["leader"], "/reports/", kind="monthly", date="2025-06-18").content.decode()
    assert cells(page, "report-hotspots", 4) == ["xx"]
    sheet = get(
        client, staff["leader"], "/reports/download", kind="monthly", date="2025-06-18", format="xlsx"
    )
    book = load_workbook(io.BytesIO(sheet.content))
    # The sheets' names are pseudo-translated too (and so alike): the hot spots' is the one with the hot spot.
    (hot_spot,) = [row for sheet in book.worksheets for row in sheet.values if "东城区幸福小区" in row]
    assert hot_spot[:5] == (1, 9.0, "东城区幸福小区", "幸福小区垃圾站臭味严重", "xx")
