"""The names of places a text mentions: estates, villages, roads, markets ("丽发新城", "英祥春天").

The same complaint is often sent word for word about two estates (油烟直排 at 润芳园 and at 魅力之城):
no text similarity separates them, and the structured place (the ticket's area, its point) may be
unknown or the same community for both. The names a text gives do: two texts that each name places
and share none are probably about different places.

A name is the run of Chinese characters (at most `MAX_NAME`) before a place word (小区, 花园, 新城,
村, 路, ...) and after the previous one, without a leading word such as 我是, 位于 or an
administrative 区/县/市 ("我是A2区丽发新城小区的业主" -> 丽发; "看云路一师润芳园" -> 看云, 一师润芳).
The cut is rough but the same on both sides of a pair, which is what the comparison needs. Pure
functions, no model, no data.
"""

import re
from collections.abc import Iterable

# Longest first, so that 新城 wins over 城 and 小学 over 学.
PLACE_WORDS = sorted(
    [
        "小区",
        "花园",
        "家园",
        "公寓",
        "新村",
        "新城",
        "社区",
        "街道",
        "大厦",
        "广场",
        "中心",
        "市场",
        "公园",
        "学校",
        "小学",
        "中学",
        "幼儿园",
        "医院",
        "村",
        "镇",
        "乡",
        "苑",
        "府",
        "庭",
        "郡",
        "湾",
        "城",
        "园",
        "阁",
        "居",
        "坊",
        "路",
        "街",
        "巷",
        "组",
        "栋",
    ],
    key=len,
    reverse=True,
)
MAX_NAME = 6
_PLACE_WORD = re.compile("|".join(PLACE_WORDS))
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")
# Characters that start a clause rather than a name: pronouns, verbs of being and living, particles,
# administrative levels left over from "A3区", "A7县".
_LEADING = frozenset("区县市镇省是在的于住我们位家了和与及对向到从将把被给为这那该本")
_CLAUSE = re.compile("[的了是在和与及对把被给向从到为]")
# Everyday words that hold a place word and name no place: "望政府", "没办法居住".
_NOT_PLACES = frozenset(
    {"政府", "居住", "居民", "居委", "城市", "城管", "城乡", "组织", "家庭", "法庭", "庭审", "路过", "路上"}
)
# Words before a place word that name no place in particular.
_GENERIC = frozenset(
    {"小区", "我们", "业主", "居民", "附近", "周边", "旁边", "对面", "楼下", "门口", "政府", "有关", "相关"}
    | {"这个", "一个", "城市", "农村", "全市", "道路", "马路", "公路", "线路", "市民", "老旧", "安置"}
)


def place_names(text: str) -> frozenset[str]:
    """The names of places in `text` (without their place word)."""
    found: set[str] = set()
    for run in _CHINESE.finditer(text):
        chars, start = run.group(0), 0
        for word in _PLACE_WORD.finditer(chars):
            before, after = chars[word.start() - 1 : word.start()], chars[word.end() : word.end() + 1]
            if before + word.group(0) in _NOT_PLACES or word.group(0) + after in _NOT_PLACES:
                continue
            name = chars[max(start, word.start() - MAX_NAME) : word.start()]
            start = word.end()
            # A name runs from the last particle or verb before it ("门口的路" names no road).
            name = _CLAUSE.split(name)[-1]
            while name and name[0] in _LEADING:
                name = name[1:]
            if len(name) >= 2 and name not in _GENERIC:
                found.add(name)
    return frozenset(found)


def same_place(a: Iterable[str], b: Iterable[str]) -> bool | None:
    """Whether two texts' place names share one (one name inside the other counts: 丽发 and 丽发新);
    None when either names no place."""
    a, b = list(a), list(b)
    if not a or not b:
        return None
    return any(x == y or x in y or y in x for x in a for y in b)
