"""The words the knowledge base indexes and searches: jieba's search segmentation (a long word and
the words inside it: "公积金贷款" gives 公积, 积金, 公积金, 贷款 and itself), over routing's
normalised text (NFKC, lower case), without punctuation, function words, lone digits and single
characters (a single character matches too much).

The same function makes the words of an article and of a question, so both meet in the index.
A lone digit is no word there, but it is part of what is asked (第1小学 and 第3小学, 1号线 and 2号线):
`numbers` gives a text's numbers by what they number, which `knowledge.search.same_question`
compares by themselves.
"""

import re

from hotline.routing import text as routing_text  # imports jieba without its import-time warnings

# Words too common in questions and answers to tell one article from another.
_STOP = """
    请问 咨询 问题 一下 需要 怎么 怎样 如何 哪里 哪些 可以 能否 是否 什么 现在 目前 这个 那个 我们 你们
    您好 你好 谢谢 感谢 情况 相关 有关 办理 知道 想要 想问 我想 请求 希望 反映 市民 网友 个人 本人
"""
STOP_WORDS = frozenset((*routing_text.FUNCTION_WORDS, *_STOP.split()))
_WORDLIKE = re.compile(r"[^\W\d_]|\d\d")
# A number and what it numbers: the word after it (号, 月, 路, 县, 年; 年级 is not 年), with 第 before
# it when it is an ordinal. Numerals written in Chinese only where they name something (第一小学,
# 三月, 二号线, 五栋), not where they are words (一下, 一直) or say how much (一年, 两个, 三次).
_CN_NUMERALS = "〇零一二两三四五六七八九十百"
_COUNTERS = "号线|年级|单元|小学|中学"
_NUMBER = re.compile(
    rf"(第?)(\d+(?:\.\d+)?)({_COUNTERS}|[^\W\d_])"
    rf"|(第)([{_CN_NUMERALS}]+)({_COUNTERS}|[^\W\d_])"
    rf"|()([{_CN_NUMERALS}]+)({_COUNTERS}|号|月|路|期|栋|幢|层|楼|中)"
)
# How many times (打了3次, 第二遍): how often someone asked, not what about.
_TIMES = frozenset("次遍")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
MAX_QUERY_WORDS = 24


def words(text: str) -> list[str]:
    """The indexable words of a text, in order, repeated as often as they occur."""
    found = []
    for token in routing_text.jieba.lcut_for_search(routing_text.normalize(text or "")):
        token = token.strip()
        if not token or token in STOP_WORDS or not _WORDLIKE.search(token):
            continue
        if len(token) < 2:  # a single character matches too much
            continue
        found.append(token)
    return found


def tokens(text: str) -> str:
    """`words` as the index stores them: separated by spaces."""
    return " ".join(words(text))


def query_words(text: str) -> list[str]:
    """The distinct words of a question to search for, at most MAX_QUERY_WORDS: the longest first
    (they say most)."""
    chosen = list(dict.fromkeys(words(text)))
    if len(chosen) > MAX_QUERY_WORDS:
        keep = set(sorted(chosen, key=len, reverse=True)[:MAX_QUERY_WORDS])
        chosen = [w for w in chosen if w in keep]
    return chosen


def _cn_number(numeral: str) -> str:
    """A numeral written in Chinese in digits: 三 3, 十二 12, 二十 20, 一百零五 105, 一〇一 101."""
    if "十" not in numeral and "百" not in numeral:
        return "".join(str(_CN_DIGITS[c]) for c in numeral)
    total = digit = 0
    for c in numeral:
        if c == "十":
            total, digit = total + (digit or 1) * 10, 0
        elif c == "百":
            total, digit = total + (digit or 1) * 100, 0
        else:
            digit = _CN_DIGITS[c]
    return str(total + digit)


def numbers(text: str) -> dict[str, set[str]]:
    """The numbers a text names, by what they number (`_NUMBER`), in digits (full-width ones and
    those written in Chinese read as ASCII digits): "第1小学一年级3月" gives {"第小学": {"1"},
    "年级": {"1"}, "月": {"3"}}; "地铁二号线" {"号线": {"2"}}. A number that numbers nothing (a
    time, a date in figures) is not given."""
    found: dict[str, set[str]] = {}
    for match in _NUMBER.finditer(routing_text.normalize(text or "")):
        groups = [g for g in match.groups() if g is not None]
        ordinal, number, what = groups
        if what in _TIMES:
            continue
        if not number[0].isdigit():
            number = _cn_number(number)
        found.setdefault(ordinal + what, set()).add(number)
    return found
