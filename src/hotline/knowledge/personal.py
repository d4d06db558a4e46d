"""What in an answer speaks to one caller rather than to everyone who asks: the clauses an editor
rewrites before an article proposed from a consultation (`knowledge.actions`) may be published.

A consultation's answer was written to one person: "您在天利电子科技有限公司工作已6个月", "针对您
再次反映的情况", "张先生您好", an address, a number. `flags(text)` finds such clauses with plain
patterns (no model): the caller addressed with facts of their own (您 with their place, company,
time or a figure, or the follow-up of their own case), a name with a title (张先生), a company's
registered name (…有限公司), an address (…路12号, …花园, 3栋2单元) and phone or identity-card
numbers, in every shape `core.phone` takes for someone's number in a text (`number_spans`: the
numbers a public page masks) or already masked (***). It shows them to the editor and the
reviewer; it decides nothing (a pattern is not a judgement, and a general answer may say
"您可携带身份证…"). `without(text)` is the text with the flagged clauses left out, for a first
draft.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.core.phone import MASK, number_spans

# A clause: up to a full stop, a comma-like pause or a line break (the closing mark kept).
_CLAUSE = re.compile(r"[^，,。！？!?；;：:\n]+[，,。！？!?；;：:]?")

_CALLER = re.compile(
    r"针对您|关于您|您(?:所|本人|家|单位|公司|的(?:孩子|父母|家人|房屋|房子|住房|小区|单位|公司|情况|问题|诉求|来电|申请))"
    r"|您(?:在|于|已|曾|之前|此前|上次|再次|多次|反映|来电|来信|咨询的|提出的|所述|所说|目前|现在|户籍|名下"
    r"|居住|住在|就读|孩子|父亲|母亲|爱人|配偶|从)"
    # 您 with a place of their own: "您来东湖区工作", "您在…镇居住".
    r"|您[^，,。；;]{0,4}?[\u4e00-\u9fff]{1,4}(?:省|市|区|县|镇|乡|街道|社区|村)(?:工作|居住|生活|上学|就读|购房|买房|参保)"
)
_FIGURE = re.compile(r"\d")
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_NAME = re.compile(rf"[{_SURNAMES}][\u4e00-\u9fff]?(?:先生|女士|师傅|阿姨|同志|老人|大爷|大妈)")
_COMPANY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,}(?:有限责任公司|股份有限公司|有限公司|集团)")
_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,8}(?:路|街|巷|弄|道)\d+号"
    r"|\d+(?:栋|幢|号楼|单元|室)"
    r"|(?<![老本该各新])[\u4e00-\u9fff]{2,4}(?:花园|家园|新村|公寓|大厦|小区|苑)(?![管理内外的])"
)
# Places that read like an address and name no one: "老旧小区", "居民小区", "住宅小区".
_GENERAL_PLACES = frozenset(
    {"老旧小区", "居民小区", "住宅小区", "城镇小区", "商品房小区", "所在小区", "无物业小区"}
)

REASONS = {
    "caller": _("称呼来电人并述及其个人情况"),
    "name": _("人名"),
    "company": _("单位名称"),
    "address": _("地址"),
    "number": _("电话或证件号码"),
}


@dataclass(frozen=True)
class Flag:
    clause: str
    reasons: tuple[str, ...]  # keys of REASONS

    @property
    def why(self) -> str:
        # Translators: the separator of the items of a short list (an enumeration comma in Chinese).
        return gettext("、").join(str(REASONS[r]) for r in self.reasons)


def _reasons(clause: str, numbers: list[tuple[int, int]]) -> tuple[str, ...]:
    """Why `clause` speaks of one person; `numbers`: where someone's numbers are written in it."""
    found = []
    # A figure of the caller's own (a time, a count), not a number to call (named apart).
    named = {at for start, end in numbers for at in range(start, end)}
    figures = "".join(c for at, c in enumerate(clause) if at not in named).replace(MASK, "")
    if _CALLER.search(clause) or ("您" in clause and _FIGURE.search(figures)):
        found.append("caller")
    if _NAME.search(clause):
        found.append("name")
    if _COMPANY.search(clause):
        found.append("company")
    if any(m.group(0) not in _GENERAL_PLACES for m in _ADDRESS.finditer(clause)):
        found.append("address")
    if numbers or MASK in clause:
        found.append("number")
    return tuple(found)


def clauses(text: str) -> list[str]:
    return [m.group(0) for m in _CLAUSE.finditer(text or "") if m.group(0).strip()]


def _read(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each clause of `text` with why it is flagged (nothing when it is not). The numbers are found
    in the whole text: a number given after a colon ("电话：8888 1234") is one by the words before
    it, in the clause before its own."""
    text = text or ""
    numbers = number_spans(text)
    read = []
    for match in _CLAUSE.finditer(text):
        clause, start, end = match.group(0), match.start(), match.end()
        if not clause.strip():
            continue
        inside = [(max(s, start) - start, min(e, end) - start) for s, e in numbers if s < end and e > start]
        read.append((clause, _reasons(clause, inside)))
    return read


def flags(text: str) -> list[Flag]:
    """The clauses of `text` that seem to speak of one person, in order, each with why."""
    return [Flag(clause.strip(), reasons) for clause, reasons in _read(text) if reasons]


def without(text: str) -> str:
    """`text` with the flagged clauses left out (a sentence that loses its end keeps its own
    full stop): a first draft of the general answer, for an editor to read."""
    kept: list[str] = []
    for clause, reasons in _read(text):
        if reasons:
            if clause[-1] in "。！？!?" and kept and kept[-1][-1] in "，,；;：:":
                kept[-1] = kept[-1][:-1] + clause[-1]
            continue
        kept.append(clause.strip())
    return "".join(kept).strip()
