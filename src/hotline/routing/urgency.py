"""Urgent appeals (紧急诉求): danger to people or property, which the 30-minute response rule covers.

Each sign is a regular expression over the normalised text (`routing.text.normalize`: half-width
punctuation, lower case). A match does not count when, within its clause, it is negated just
before it ("不是燃气泄漏", "没有闻到煤气味", "未发生火灾", "无人员被困", "防止火灾") or said to be
over just after it ("停电已恢复", "火已经扑灭了"); nor when it is a hypothesis ("一旦发生火灾",
"真有火灾消防车根本进不来", "随时可能倒塌", "着火了怎么办"), a risk ("火灾隐患") or something that keeps
happening rather than is happening now ("经常停电"): those are for supervision and analysis, not
for the 30-minute clock. A clause that says the danger is happening now still counts on its own
("经常停电，现在又停电了"). The list is the city's to extend: it is a module
constant so that a change is reviewed and tested like code, since a sign that fires too often
would put every ticket on the 30-minute clock.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from hotline.routing.text import normalize


@dataclass(frozen=True)
class Sign:
    name: str
    pattern: re.Pattern[str]


def _sign(name: str, pattern: str) -> Sign:
    return Sign(name, re.compile(pattern))


SIGNS: tuple[Sign, ...] = (
    _sign(
        "燃气泄漏",
        r"(燃气|煤气|天然气|液化气|瓦斯)(管道?)?(泄漏|泄露|外泄|漏气|漏了|味)|漏气"
        r"|闻到.{0,4}(燃气|煤气|天然气|液化气)",
    ),
    _sign("火情", r"着火|起火|失火|火灾|火情|浓烟|冒烟|爆炸"),
    # Not the "断电" of "挂断电话" (hung up the phone).
    _sign("停电", r"停电|(?<!挂)断电(?!话)|供电中断"),
    _sign(
        "水浸",
        r"内涝|被淹|淹水|水淹|倒灌|洪水|进水了|(水管|管道|供水管|自来水管|下水管)(爆裂|破裂|爆了)|爆管",
    ),
    _sign("人员被困", r"被困|困在|困人|关在电梯"),
    _sign(
        "老人儿童遇险",
        r"(老人|老年人|独居老人|孤寡老人|老太太|老大爷|小孩|孩子|儿童|婴儿)"
        r".{0,6}(摔倒|晕倒|昏迷|不省人事|联系不上|走失|出不来|锁在)",
    ),
    # Not "受伤害" (harmed, as a figure of speech), "跳楼机" (a ride), "酸中毒"/"慢性中毒"/"中毒性肺炎".
    _sign(
        "人身危险",
        r"受伤(?!害)|生命危险|危及生命|跳楼(?!机)|轻生|自杀|触电|坠楼|坠落|(?<![酸性])中毒(?!性)|晕倒|昏迷"
        r"|溺水|落水",
    ),
    _sign("坍塌", r"倒塌|坍塌|塌方|塌陷|垮塌"),
)

# Clause boundaries after normalisation (full-width ，！？； become , ! ? ;).
_CLAUSE_END = re.compile(r"[,.!?;。、\n]")
# A negation (or prevention) right before the sign, with at most one small word between ("打不着火"
# is a stove that will not light, not a fire).
_NEGATED_BEFORE = re.compile(
    r"(不是|并非|并不是|没有|没|无|未|不存在|不再|不会|不|防止|预防|避免|以免|以防|脱离)"
    r"(发生|出现|闻到|发现|看到|听到|任何|人员|人|什么)?$"
)
# A condition anywhere earlier in the clause ("要是哪天真的发生火灾"), unless it is the condition of
# doing nothing ("如果不赶紧处理燃气泄漏", where the leak is real); or a future right before the sign
# ("随时会倒塌", "容易引发火灾").
_HYPOTHESIS_BEFORE = re.compile(
    r"(如果|假如|要是|万一|一旦|一但|倘若|假设|若是|如遇|哪天|哪一天|真有|真的有|真要|随时|差点|差一点|险些)"
    r"(?!再?[不没])"
    r"|(会|将|可能会?|容易|易)(发生|出现|引发|引起|造成|导致)?$"
)
_HYPOTHESIS_AFTER = re.compile(r"^(了)?(的话|的时候|时候|怎么办|谁负责|谁来负责|后果不堪设想)")
# Something that keeps happening ("经常停电", "停电好多次了") or happened before ("前几年发生过一次
# 火灾"): a complaint to follow up, not an emergency, unless the clause says it is happening now.
_NOT_NOW = r"(?!.*(现在|今天|今晚|目前|正在|此刻|又))"
_RECURRING_BEFORE = re.compile(
    r"(经常|老是|常常|时常|总是|频繁|常年|历年|多次|几次|屡次|动不动就|隔三差五|三天两头)" + _NOT_NOW
)
_RECURRING_AFTER = re.compile(r"^(了)?(好|很)?(多次|几次|好几次|频繁)")
_PAST_BEFORE = re.compile(r"(曾经|曾(?=[出发有])|前几年|几年前|去年|前年|当年|上次)" + _NOT_NOW)
# A risk rather than an event ("火灾隐患", "发生火灾怎么办"): for supervision, not for the 30-minute clock.
_ONLY_A_RISK = re.compile(r"^(的)?(隐患|风险|危险性|怎么办)")
# The danger said to be over right after the sign.
_OVER_AFTER = re.compile(r"^.{0,4}?(已经?|都已经?)(恢复|修好|修复|扑灭|排除|解决|处理好|处理完|消除|救出)")


@dataclass(frozen=True)
class Finding:
    sign: str
    text: str  # the words that matched
    counted: bool
    why_not: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"sign": self.sign, "text": self.text, "counted": self.counted, "why_not": self.why_not}


@dataclass(frozen=True)
class Urgency:
    findings: tuple[Finding, ...]

    @property
    def urgent(self) -> bool:
        return any(f.counted for f in self.findings)

    @property
    def signs(self) -> list[str]:
        return list(dict.fromkeys(f.sign for f in self.findings if f.counted))

    @property
    def evidence(self) -> dict[str, Any]:
        return {"urgent": self.urgent, "findings": [f.as_dict() for f in self.findings]}


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


# What cancels a sign, tried in this order: (pattern, the part of the clause it reads, why not).
# The why-nots are stored as written (the evidence of a decision); pages translate them as they show them.
_CANCELLED_BY: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (_NEGATED_BEFORE, "before", gettext_noop("前有否定")),
    (_HYPOTHESIS_BEFORE, "before", gettext_noop("只是假设")),
    (_HYPOTHESIS_AFTER, "after", gettext_noop("只是假设")),
    (_RECURRING_BEFORE, "before", gettext_noop("反复发生")),
    (_RECURRING_AFTER, "after", gettext_noop("反复发生")),
    (_PAST_BEFORE, "before", gettext_noop("已是过去")),
    (_ONLY_A_RISK, "after", gettext_noop("只是隐患")),
    (_OVER_AFTER, "after", gettext_noop("已解除")),
)


def detect(text: str) -> Urgency:
    """Every sign of danger in `text`, each counted or not (and why not)."""
    text = normalize(text)
    findings: list[Finding] = []
    for sign in SIGNS:
        for match in sign.pattern.finditer(text):
            begin, finish = _clause_bounds(text, match.start(), match.end())
            around = {"before": text[begin : match.start()], "after": text[match.end() : finish]}
            why_not = next((why for pattern, part, why in _CANCELLED_BY if pattern.search(around[part])), "")
            findings.append(Finding(sign.name, match.group(), not why_not, why_not))
    return Urgency(tuple(findings))
