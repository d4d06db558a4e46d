"""The places a text names: estates, villages, roads, schools, town offices ("丽发新城小区",
"伊景园滨河苑", "金鼎村", "黄兴路", "泉塘街道"), read from the words, where no gazetteer reaches.

The city's gazetteer (`routing.place`) puts a ticket in an area of its tree (district, street,
community); the places citizens talk about are finer — the residential compound, the road, the
school — and two uses need them, read in two ways:

- **Comparing two texts** (duplicate search, `dedup.scoring`): `place_names(text)` gives every
  name in a text, cut roughly — the run of Chinese characters (at most `MAX_NAME`) before a place
  word (小区, 花园, 新城, 村, 路, ...) and after the previous one, without a leading word such as 我是,
  位于 or an administrative 区/县/市 ("我是A2区丽发新城小区的业主" -> 丽发; "看云路一师润芳园" -> 看云,
  一师润芳). The cut is rough but the same on both sides of a pair, which is what the comparison
  needs; `same_place` says whether two texts share a name (one inside the other counts). The same
  complaint is often sent word for word about two estates (油烟直排 at 润芳园 and at 魅力之城): no
  text similarity separates them, the names they give do.
- **Grouping many appeals by where** (hot spots, `analytics.hotspots`): `PlaceReader` finds the
  place an appeal is about, with how fine it is (a site, a road, a town) — in the title, else where
  the content says where ("位于", "A3区..."); a name is the run of characters before an ending (小区,
  花园, 苑, 村, 路, 街道, 镇, 学校 ...), cut on the left where another name, an administrative unit (A市,
  A2区, 西地省, the gazetteer's districts), punctuation or a word that is never part of a name (投诉,
  关于, 附近 ...) stands. Names are compared in one form (`normalise`: NFKC, "小区" and the phase
  "二期" dropped), and the names of one period are grouped when one holds the stem of another
  ("伊景园滨河苑" and "滨河苑"), so that two ways of naming an estate are one place (`same_places`).

The two readings were written apart (issue 17's score in `dedup/places.py`, issue 21's hot spots
in `analytics/places.py`) and the figures of each use were measured with its own (docs/
benchmarks.md); they were brought here unchanged (the same names from every message of the TipDM
board), so that a change to either, or a third use, starts from both. The grouping reader in the
pair score instead of `place_names` was measured and is worse (held out: recall 0.830 against
0.895 at about the same precision, docs/benchmarks.md): it looks for the one place an appeal is
about and misses the other names that tell two template letters apart. Pure functions, no model,
no data.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# --- comparing two texts: every name, cut roughly ---------------------------------------------

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
        "大道",
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
_NAME_WORD = re.compile("|".join(PLACE_WORDS))
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that start a clause rather than a name: pronouns, verbs of being and living, particles,
# administrative levels left over from "A3区", "A7县".
_NAME_LEADING = frozenset("区县市镇省是在的于住我们位家了和与及对向到从将把被给为这那该本过")
# A district, county or city named in Chinese before the name ("高新区明珠花园", "东湖区滨江花园"):
# the name is what follows its last 区/县/市/省.
_NAME_ADMIN = re.compile("[区县市省]")
_NAME_CLAUSE = re.compile("[的了是在和与及对把被给向从到为]")
# Everyday words that hold a place word and name no place: "望政府", "没办法居住".
_NAME_NOT_PLACES = frozenset(
    {"政府", "居住", "居民", "居委", "城市", "城管", "城乡", "组织", "家庭", "法庭", "庭审", "路过", "路上"}
)
# A measure word before a place word counts roads or buildings ("整条路", "这条街", "那栋楼"): what
# stands before it is the rest of the clause ("这几天晚上整条路"), not a name.
_MEASURE_WORDS = frozenset("条座栋片")
# Words that stand before a name and are no part of it, wherever they fall in the run before the
# place word: the verbs of an appeal, nearness, thanks and praise ("上周帮我们水岸花园", "大道靠近盛世").
_NAME_BEFORE = re.compile(
    "举报|投诉|反映|咨询|建议|靠近|临近|紧邻|位于|地处|感谢|表扬|利用|帮我们|帮忙|请问|经过|路过|途经"
)
# The last character of a verb whose object the place word is ("走路", "堵路", "绕路", "上小学"): the
# run before it is the rest of the clause ("老人小孩走"), not a name.
_NAME_VERB_END = frozenset("上走堵绕嫌修让带问拦挡占去")
# Words before a place word that name no place in particular.
_NAME_GENERIC = frozenset(
    {"小区", "我们", "业主", "居民", "附近", "周边", "旁边", "对面", "楼下", "门口", "政府", "有关", "相关"}
    | {"这个", "一个", "城市", "农村", "全市", "道路", "马路", "公路", "线路", "市民", "老旧", "安置"}
    | {"整个", "哪个", "那个", "一段", "请问"}
    # Where in a place, not which one: an estate's central square (中心广场, 中央广场).
    | {"中心", "中央"}
)


def place_names(text: str) -> frozenset[str]:
    """The names of places in `text` (without their place word)."""
    found: set[str] = set()
    for run in _HAN_RUN.finditer(text):
        chars, start = run.group(0), 0
        for word in _NAME_WORD.finditer(chars):
            before, after = chars[word.start() - 1 : word.start()], chars[word.end() : word.end() + 1]
            if before + word.group(0) in _NAME_NOT_PLACES or word.group(0) + after in _NAME_NOT_PLACES:
                continue
            if before in _MEASURE_WORDS:  # "整条路", "这条街": which road, not its name
                start = word.end()
                continue
            name = chars[max(start, word.start() - MAX_NAME) : word.start()]
            start = word.end()
            # A name runs from the last particle or verb before it ("门口的路" names no road), and
            # without the words of a complaint or of nearness before it ("举报码头街", "靠近枫林路").
            clause = _NAME_CLAUSE.split(name)[-1]
            if len(clause) == 1 and name.endswith("和" + clause):
                clause = "和" + clause  # 和 that begins a name (和谐城, 和平路), not "and"
            name = _NAME_BEFORE.split(clause)[-1]
            if name and name[-1] in _NAME_VERB_END:
                continue
            # What follows a district's 区 ("高新区明珠"), when a name is left.
            tail = _NAME_ADMIN.split(name)[-1]
            if len(tail) >= 2:
                name = tail
            # A leading particle or verb goes, unless the name would go with it: "和谐城" is not "谐".
            while len(name) > 2 and name[0] in _NAME_LEADING:
                name = name[1:]
            if len(name) == 2 and name[0] in "区县市镇省":
                name = name[1:]
            if not name and _NAME_WORD.match(chars, word.end()):
                # Nothing names it, and another place word follows: this one is the name (新城小区,
                # 公园路), or the template letter about 新城小区 and about 盛世苑 shares no name.
                name = word.group(0)
            if len(name) >= 2 and name not in _NAME_GENERIC:
                found.add(name)
    return frozenset(found)


def same_place(a: Iterable[str], b: Iterable[str]) -> bool | None:
    """Whether two texts' place names share one (one name inside the other counts: 丽发 and 丽发新);
    None when either names no place."""
    a, b = list(a), list(b)
    if not a or not b:
        return None
    return any(x == y or x in y or y in x for x in a for y in b)


# --- grouping appeals by where: the place an appeal is about, with its level --------------------

# How fine a place is: a compound, village, school or company is where one problem sits; a road
# runs through several estates; a town or street office holds dozens.
SITE = 3
ROAD = 2
TOWN = 1

_HAN = "\u4e00-\u9fff"
_NAME_CHAR = rf"[{_HAN}A-Za-z0-9]"

# Endings, longest first within each level so that "花园小区" is read as one ending.
_SITE_ENDINGS = """
    小区 花园 家园 新城 新村 公寓 大厦 广场 山庄 公馆 华庭 名邸 安置区 工业园
    产业园 物流园 科技园 幼儿园 学校 中学 小学 大学 学院 医院 卫生院 市场 公司
    车站 公园 府 苑 园 湾 郡 城 庭 居 村 组 社区
"""
_ENDINGS: dict[int, tuple[str, ...]] = {
    SITE: tuple(_SITE_ENDINGS.split()),
    ROAD: ("大道", "大桥", "路", "街", "巷", "桥"),
    TOWN: ("街道", "镇", "乡"),
}
_ENDING_LEVEL = {ending: level for level, endings in _ENDINGS.items() for ending in endings}
_ENDING_PATTERN = "|".join(sorted(_ENDING_LEVEL, key=len, reverse=True))

# Administrative units above the town: the anonymised ones of the real data (A市, A2区, K9县), a
# province, and whatever the city's gazetteer adds (`PlaceReader(districts=...)`). They cut a text
# into pieces and say which district a name is in, but are not the place of a problem themselves.
_ADMIN = r"[A-Z]\d{0,2}[市区县]|[" + _HAN + r"]{2,3}省"

# Words that stand before or after a name but are never part of one: the verbs of a complaint, the
# pronouns, the prepositions of place.
_STOP = """
    投诉 反映 反应 关于 举报 咨询 建议 请求 请问 询问 希望 要求 恳请 强烈
    严重 再次 位于 地处 我是 我们 本人 业主 居民 村民 附近 周边 门口 旁边
    对面 问题 为何 为什么 何时 能否 是否 怎么 如何 什么 还是 以及 导致 造成
    存在 解决 处理 整治 治理 施工 扰民 到底 已经 一直 长期 多次 市民 政府
    作为 一个 这个 那个 很多 其他 所有 整个 没有 感谢 表扬
"""
_STOP_WORDS = tuple(_STOP.split())
_STOP_CHARS = "的在对和与及从到至向给被把旁内外里处"
_CUT = re.compile(rf"(?:{_ADMIN})|[^{_HAN}A-Za-z0-9]+|(?:{'|'.join(_STOP_WORDS)})|[{_STOP_CHARS}]")
# An ending followed by these is a common noun, not the end of a name: 城市, 村民, 路口, 路段, 路灯.
_CANDIDATE = re.compile(rf"{_NAME_CHAR}+?(?:{_ENDING_PATTERN})+(?![市民委口段灯面线况边])")
# What stands before a name in the body of a message.
_ANCHOR = re.compile(rf"(?:{_ADMIN}|位于|地处|住在|家住)$")

# What is left when a name is nothing but a common noun ("道路", "该小区") or a number ("3号楼"
# has no ending; "6路" is a bus line): not a place anyone can find.
_GENERIC = """
    道 马 城乡 政府 家 乡 分 农 城 市 县 老 新 主 本 该 我 这 那 此
    各 某 全 每 整个 所在 这条 一 二 三 四 五 六 七 八 九 十 单位 公交
    高速 环城 村 组 社 街 大 小 中 高 初 私立 公立 民办 幼 培训 物业 开发
    地产 房地产 安置 工业 产业 物流 科技 停车 菜 农贸 批发 商品 集贸 垃圾
    学 医 卫生
"""
_GENERIC_STEMS = frozenset(_GENERIC.split())
_LEADING_NOISE = re.compile(r"^(?:[0-9A-Za-z]+(?=[\u4e00-\u9fff]{2})|有|是|说|去|往|近|原|在)")
# Words inside many names that say what kind of place it is, not which ("开发有限公司", "国际城"):
# two names do not become one place by sharing them.
_GENERIC_PARTS = re.compile(
    "有限|股份|责任|集团|开发|建设|实业|置业|房地产|地产|物业|管理|投资|发展|科技|国际|中心|商业|工程|服务"
)
_PHASE = re.compile(r"(?:[一二三四五六七八九十\d]+期|小区)$")


@dataclass(frozen=True)
class Mention:
    """A place named in a text: its name as written (trimmed), its form for comparing, how fine
    it is (SITE, ROAD, TOWN) and where it starts."""

    name: str
    key: str
    level: int
    start: int


def normalise(name: str) -> str:
    """The form in which two ways of writing one place compare equal: NFKC (full-width letters and
    digits to half-width), blanks dropped, and a trailing "小区" or phase ("二期") taken off when a
    name of two characters or more remains ("丽发新城小区" and "丽发新城" are one estate), and so is
    "社区" after an estate's name ("丽发新城社区")."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    stripped = _PHASE.sub("", text)
    # The community named after its estate ("丽发新城社区") is where the estate is.
    if stripped.endswith("社区") and _ending(stripped[:-2]) in _ENDINGS[SITE] and len(stripped) >= 5:
        stripped = stripped[:-2]
    return stripped if len(stripped) >= 2 else text


def _ending(name: str) -> str:
    for length in (3, 2, 1):
        if len(name) > length and name[-length:] in _ENDING_LEVEL:
            return name[-length:]
    return ""


def _stem(name: str) -> str:
    """The name without its endings ("伊景园滨河苑" -> "伊景园滨河", "丽发新城小区" -> "丽发")."""
    while ending := _ending(name):
        name = name[: -len(ending)]
    return name


class PlaceReader:
    """Reads place names out of texts. `districts`: the city's district names from its gazetteer
    (and their aliases), read as administrative units: they cut names and say which district."""

    def __init__(self, districts: Iterable[str] = ()) -> None:
        names = sorted({d for d in districts if len(d) >= 2}, key=len, reverse=True)
        self._districts = re.compile("|".join([*(re.escape(n) for n in names), _ADMIN]))
        self._cut = re.compile("|".join([*(re.escape(n) for n in names), _CUT.pattern]))

    def mentions(self, text: str, *, anchored: bool = False) -> list[Mention]:
        """Every place name in `text`, in order. `anchored`: only names that come right after an
        administrative unit or a word that says where ("A2区丽发新城", "位于金鼎村"), as in the body of
        a message, where most runs of characters before an ending are not names."""
        text = unicodedata.normalize("NFKC", text or "")
        found: list[Mention] = []
        for piece, start, before in self._pieces(text):
            if anchored and not _ANCHOR.search(before):
                continue
            for match in _CANDIDATE.finditer(piece):
                if anchored and match.start() > 0:
                    break
                name = _LEADING_NOISE.sub("", match.group(0))
                ending, stem = _ending(name), _stem(name)
                if not ending or len(stem) < 2 or stem in _GENERIC_STEMS or stem.isdigit() or stem.isascii():
                    continue
                level = _ENDING_LEVEL[ending]
                if level == ROAD and name[-len(ending) - 1] in _NAME_VERB_END:
                    continue  # the road a verb acts on ("流动摊贩堵路", "绕路"), not a road's name
                found.append(Mention(name, normalise(name), level, start + match.end() - len(name)))
        return found

    def _pieces(self, text: str) -> list[tuple[str, int, str]]:
        """The runs of text between cuts: (run, where it starts, the cut before it)."""
        pieces = []
        position, before = 0, ""
        for cut in self._cut.finditer(text):
            if cut.start() - position >= 2:
                pieces.append((text[position : cut.start()], position, before))
            position, before = cut.end(), cut.group(0)
        if len(text) - position >= 2:
            pieces.append((text[position:], position, before))
        return pieces

    def district(self, text: str) -> str:
        """The first district-level unit named in `text` ("A2区", or a gazetteer district), or ""."""
        for match in self._districts.finditer(unicodedata.normalize("NFKC", text or "")):
            name = match.group(0)
            if not name.endswith(("市", "省")):
                return name
        return ""

    def places_of(self, title: str, content: str) -> list[Mention]:
        """The places an appeal names, the one it is about first: the names in its title, else in
        the beginning of its content (where citizens say where they live before what is wrong),
        the finest first, then in order."""
        for text, anchored in ((title, False), ((content or "")[:150], True)):
            mentions = self.mentions(text, anchored=anchored)
            if mentions:
                return sorted(mentions, key=lambda m: (-m.level, m.start))
        return []

    def place_of(self, title: str, content: str) -> Mention | None:
        """The place an appeal is about (the first of `places_of`), or None."""
        places = self.places_of(title, content)
        return places[0] if places else None


def same_places(keys: Iterable[str]) -> dict[str, str]:
    """Each place key -> the key that stands for its group: keys whose stems share four characters
    in a row (but the words of many names: "开发有限公司"), or one inside the other, are one place
    ("伊景园滨河苑", "伊景园滨河院", "伊景园", "滨河苑"); the representative is the shortest, then the
    first in order. A part shared by many names joins nothing: it is a word of names, not a place."""
    keys = list(dict.fromkeys(keys))
    order = {k: i for i, k in enumerate(keys)}
    parent = {k: k for k in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            keep, other = sorted((ra, rb), key=lambda k: (len(k), order[k]))
            parent[other] = keep

    stems = {k: _GENERIC_PARTS.sub("", _stem(k)) for k in keys}
    by_gram: dict[str, list[str]] = {}
    for key, stem in stems.items():
        grams = {stem[i : i + 4] for i in range(len(stem) - 3)} if len(stem) >= 4 else {stem}
        for gram in grams:
            if len(gram) >= 3:
                by_gram.setdefault(gram, []).append(key)
    for members in by_gram.values():
        if len(members) < 2 or len(members) > 6:
            continue
        for other in members[1:]:
            join(members[0], other)
    # A name inside a longer one ("伊景园" and "滨河苑" in "伊景园滨河苑"): the same place written
    # shorter, unless many names hold it (then it is a word of names, like "人民医院").
    holding: dict[str, list[str]] = {}
    for key in keys:
        for size in range(3, len(key)):
            for gram in {key[i : i + size] for i in range(len(key) - size + 1)}:
                holding.setdefault(gram, []).append(key)
    for key in keys:
        holders = holding.get(key, [])
        if 1 <= len(holders) <= 5:
            for holder in holders:
                join(key, holder)
    return {k: root(k) for k in keys}
