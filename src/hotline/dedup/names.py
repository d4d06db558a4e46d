"""The businesses a text names ("力美健身会所", "悦动健身房", "阳光体育俱乐部", "鸿运装饰有限公司"), as
the pair score compares them (`dedup.scoring`), beside the places (`directory.place_names`).

A complaint about a business names the business, not an estate: "力美健身会所停业拒绝退卡" and
"型格健身会所停业拒绝退卡" are one template about two gyms, which e5 puts at 0.98, and the place
reader finds no place in either (会所 is no place word), so nothing told them apart. A business's
name is its brand: the run of characters before the kind of business (会所, 健身房, 公司 ...), from
the last particle, verb of an appeal or administrative unit before it, without the words of its
trade at its end ("力美健身" -> 力美, "鸿运装饰有限" -> 鸿运). A name that is nothing but trade
words ("物业公司", "这家健身房") names no business in particular.
"""

import re
from collections.abc import Iterable

# The kinds of business citizens name a problem at, longest first.
_KINDS = sorted(
    [
        *("会所", "健身房", "健身馆", "俱乐部", "工作室", "培训班", "培训学校", "有限公司", "公司"),
        *("酒店", "宾馆", "超市", "药店", "药房", "诊所", "美容院", "专卖店", "门店", "商行"),
    ],
    key=len,
    reverse=True,
)
_KIND = re.compile("|".join(_KINDS))
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A company's name runs longer than an estate's ("玖鼎能源环境科技股份有限公司").
MAX_NAME = 10
# Where a clause, and so a name, starts: particles, the verbs of an appeal, "this one", pronouns,
# and the words before a business named as a common noun ("去自来水公司", "要等公司停工",
# "靠近公司的窗户", "由金蓉下属物业公司管理", "入住以来这两家公司").
_CLAUSE = re.compile(
    "举报|投诉|反映|咨询|建议|关于|位于|靠近|打开|以来|目前|下属|这家|那家|一家|两家|该|这个|那个|我们|他们|你们"
    "|[在的了是和与及对把被给向从到为我他她去找等要让由但]"
)
# A province, city, district or county before the name ("A市星展投资", "高新区力美健身").
_ADMIN = re.compile("[区县市省]")
# The words of a trade at the end of a business's name: what it does, not which one it is.
_TRADE = re.compile(
    "(?:健身|体育|运动|教育|培训|文化|艺术|餐饮|美容|美发|口腔|医疗|医药|大药|物业|服务|管理|科技|"
    "信息|网络|投资|金融|置业|房地产|地产|开发|建设|建筑|工程|装饰|装修|家居|汽车|商贸|贸易|实业|"
    "集团|股份|有限|责任|发展|电力|供电|燃气|供水|自来水|水务|通信|快递|物流|连锁|酒店|国际)+$"
)


def business_names(text: str) -> frozenset[str]:
    """The brands of the businesses `text` names ("力美健身会所" -> 力美), of two characters or more."""
    found: set[str] = set()
    for run in _HAN_RUN.finditer(text):
        chars, start = run.group(0), 0
        for kind in _KIND.finditer(chars):
            name = chars[max(start, kind.start() - MAX_NAME) : kind.start()]
            start = kind.end()
            name = _CLAUSE.split(name)[-1]
            tail = _ADMIN.split(name)[-1]
            name = _TRADE.sub("", tail if len(tail) >= 2 else name)
            if len(name) >= 2:
                found.add(name)
    return frozenset(found)


def same_business(a: Iterable[str], b: Iterable[str]) -> bool | None:
    """Whether two texts' businesses share one (`business_names`; the characters of one name all in
    the other's); None when either names none."""
    ours, theirs = [set(x) for x in a], [set(y) for y in b]
    if not ours or not theirs:
        return None
    return any(x <= y or y <= x for x in ours for y in theirs)
