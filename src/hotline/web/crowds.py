"""The crowds a hot spot is about (人群: 业主, 居民, ...), in the reader's language.

`analytics.hotspots` finds a hot spot's crowd among its fixed words (`CROWDS`) and keeps the word, in
Chinese, with the hot spot. The pages show it through here, each word a translatable string (context
"crowd": the word names a group of people, 市民 "citizens"). A word this list lacks is not shown:
a page would print it in Chinese whatever the reader's language (tests/web/test_crowd_words.py
checks that the list has every word of `CROWDS`).
"""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

CROWD_WORDS: dict[str, Promise] = {
    "业主": pgettext_lazy("crowd", "业主"),
    "居民": pgettext_lazy("crowd", "居民"),
    "村民": pgettext_lazy("crowd", "村民"),
    "家长": pgettext_lazy("crowd", "家长"),
    "学生": pgettext_lazy("crowd", "学生"),
    "老师": pgettext_lazy("crowd", "老师"),
    "教师": pgettext_lazy("crowd", "教师"),
    "职工": pgettext_lazy("crowd", "职工"),
    "员工": pgettext_lazy("crowd", "员工"),
    "工人": pgettext_lazy("crowd", "工人"),
    "农民工": pgettext_lazy("crowd", "农民工"),
    "司机": pgettext_lazy("crowd", "司机"),
    "商户": pgettext_lazy("crowd", "商户"),
    "租户": pgettext_lazy("crowd", "租户"),
    "患者": pgettext_lazy("crowd", "患者"),
    "老人": pgettext_lazy("crowd", "老人"),
    "残疾人": pgettext_lazy("crowd", "残疾人"),
    "退休人员": pgettext_lazy("crowd", "退休人员"),
    "人才": pgettext_lazy("crowd", "人才"),
    "购房者": pgettext_lazy("crowd", "购房者"),
    "消费者": pgettext_lazy("crowd", "消费者"),
    "乘客": pgettext_lazy("crowd", "乘客"),
    "投资人": pgettext_lazy("crowd", "投资人"),
    "受害人": pgettext_lazy("crowd", "受害人"),
    "考生": pgettext_lazy("crowd", "考生"),
    "市民": pgettext_lazy("crowd", "市民"),
}


def crowd_word(word: str) -> str:
    """The crowd `word` (as `analytics.hotspots` keeps it) in the reader's language; "" for none."""
    found = CROWD_WORDS.get(word.strip())
    return str(found) if found is not None else ""
