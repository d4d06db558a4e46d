"""The reply-quality check (答复质量): a department's reply scored on the three criteria of the
TipDM task before it reaches the citizen, each with the reasons a person can act on.

- **relevance** (相关性): how much of the appeal the reply speaks about: the share of the appeal's
  character bigrams (title twice, then the text) found in the reply, bigrams that say nothing of
  a topic (punctuation, digits alone, "问题", "反映", "您好", ...) left out, read against what a
  reply of its length can hold (a 40-character reply cannot repeat half of its appeal). No model:
  the appeal is its own vocabulary, so this works for any city and any category from the first
  reply.
- **completeness** (完整性): what a reply owes the citizen (一单二传三告知): enough said beyond the
  formula, a reason, a next step, a contact, no empty promise ("将充分论证研究"), and an answer
  to the questions the appeal asks. The issue's six elements (a greeting, what was done, the
  result, the basis in policy, a contact or next step, the date) are a checklist shown beside the
  scores (`elements`); only the contact enters the score, so the reasons name only what does.
- **interpretability** (可解释性): a reason, not a formula: how much the reply explains with what
  was found (its clauses and figures: dates, numbers, amounts) and the policy it cites, rather
  than promises of what will be.

Completeness and interpretability are logistic scores of counts of those signals in the reply's
own words (`signals`); their weights (`WEIGHTS`) were fitted on 100 replies labelled by hand for
these two criteria (`bench/replies.py --fit`, which measures them by repeated cross-validation
beside the length-only rule; ADR 0014 and its addendum). Relevance's cut (`settings.HOTLINE["REPLY_CHECK"]
["RELEVANCE_MIN"]`) was set on 2,816 real appeals and their official replies against the same
replies given to other appeals. A reply is weak when any score is under its cut; the reasons say
which criterion and which of the signals its score reads lowered it, each sentence shown only when
it is true of the reply (no "只有 N 字" for a long reply, no "没有说明原因" for one that gives a
cause), and none about a signal the score does not read. Pure functions: no
database, no settings but the cuts.

A reason is kept as a code with its figures (`{"code": "short_body", "params": {"n": 34}}`), as the
check stores it (`ReplyCheck.reasons`), and told in words only where it is shown (`sentences`), so
that each reader reads it in their own language whatever the language of the check.
"""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext_lazy

CRITERIA = ("relevance", "completeness", "interpretability")
CRITERION_NAMES = {
    "relevance": gettext_noop("相关性"),
    "completeness": gettext_noop("完整性"),
    "interpretability": gettext_noop("可解释性"),
}

# --- the reply's elements --------------------------------------------------------------------------

# A day with its year (a signature's date), or, for the element, the month and day alone, as most
# replies give the day something was done (已于12月5日清运).
_FULL_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_DATE = _FULL_DATE + r"|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*[日号]"


# A forwarding note: the appeal passed on to another unit "to investigate and handle" (已转市住建局调查
# 处理, 已转交县气象局核实、办复, 已交有关单位调查核处). It names no step taken and no outcome, so what
# it says is not counted as what was done or as the result.
FORWARDED = re.compile(
    r"(?:(?:已|并|现)(?:转交|转至|转给|转到|转办|转|交办|交由|交给|交)|转交|转至|转给|转到|转办|交由|交给)"
    r"[^,，。;；!！?？]{1,25}?(?:进行)?(?:调查|核实|核查|处理|办理|核处|办复)、?(?:核处|处理|办理|办复|回复)?"
)


@dataclass(frozen=True)
class Element:
    key: str
    name: str  # gettext_noop: what the reason says is missing
    pattern: re.Pattern[str]
    # What does not count though the pattern matches in it (taken out of the text first).
    unless: re.Pattern[str] | None = None

    def said(self, text: str) -> str:
        """The text this element is looked for in: `text` without what does not count."""
        return self.unless.sub("。", text) if self.unless else text

    def present(self, text: str) -> bool:
        return bool(self.pattern.search(self.said(text)))


ELEMENTS: tuple[Element, ...] = (
    Element("greeting", gettext_noop("问候"), re.compile(r"您好|你好|尊敬的")),
    Element(
        "done",
        gettext_noop("办理经过"),
        re.compile(
            r"经查|据查|经核实|经调查|经了解|核实|核查|调查|排查|摸排|摸底|巡查|督查|督办|复核|复查|调研|现场|实地|"
            r"走访|回访|座谈|约谈|约见|询问了|取证|检查(?!报告|项目|费)|查处|督促|责令|训诫|劝导|劝阻|劝离|上门|赶赴|"
            r"勘察|勘查|查勘|查看|察看|踏勘|召开|协调|协商|沟通|对接|会商|牵头|征求|听取|联系了|"
            # organising, not an organisation (经济组织, 服务组织, 社会组织, 组织部)
            r"(?<!经济)(?<!服务)(?<!社会)(?<!基层)(?<!党)组织(?!部|成员|机构|关系|形式|架构|代码)"
        ),
        unless=FORWARDED,
    ),
    Element(
        "result",
        gettext_noop("办理结果"),
        re.compile(
            # 已 and the deed, the day it was done between them (已于12月5日安排人员清运)
            r"已(?:于[\d\s年月日号上下午时点分]{2,16})?[\u4e00-\u9fff]{0,8}"
            r"(?:完成|解决|恢复|修复|处理|整改|办理|清理|清运|清扫|清洗|清除|拆除|到位|落实|安装|疏通|查处|"
            r"制止|关停|取缔|退还|支付|发放|纳入|列入|批复|回复|告知|停止|停工|停业|关闭|封堵|立案|查封|暂扣|扣押|"
            r"罚款|处罚|拘留|收回|注销|撤销|取消|清除|下达|下发|签订|达成|答应|同意|补偿|赔偿|移交|移送|办结|"
            r"调解|开通|开放|竣工|完工|通车|验收|投入使用|启动|更换|维修|缓解)|"
            # an outcome however it is put: an order, a sanction, an agreement, a finding
            r"停止(?!线)|立案(?!条件)|查封|处以|罚款|拘留|没收|予以(?:处罚|警告|取缔|拆除|查处|关闭|退还|纠正|撤销|注销)|"
            r"承诺书|保证书|(?:责令|整改|改正|拆除|停止|停工|限期)[^,，。;；]{0,6}通知书|(?:处罚|处理)决定书|"
            r"达成(?:一致|协议|和解|共识)|和解|办结|结案|(?<!如)(?<!若)(?<!如果)(?<!是否)(?<!如情况)属实|"
            # a state reached, said without 已 (经检测合格后恢复运行)
            r"(?<![未待])恢复(?:正常|运行|使用|通行|通车|供水|供电|供气|照明)|(?:检测|检验|验收)合格|"
            r"现已|截至|目前|结果|"
            # the deed's end said after it (清运完毕, 修复完毕, 清理干净)
            r"(?<![将未待])(?:清运|清理|清扫|清除|修复|维修|更换|拆除|安装|整改|处理|疏通|铺设|修剪)(?:完毕|干净)"
        ),
        unless=FORWARDED,
    ),
    Element(
        "basis",
        gettext_noop("政策依据"),
        re.compile(
            r"《[^》]{2,60}》|法律|法规|条例|规定|政策|办法|细则|文件|依据|根据|按照|依法|规范要求|"
            r"(?:国家|行业|地方|技术|设计|建设|收费|补偿|补助|救助)标准|(?:合同|协议)约定|(?:会议|文件|指示)精神"
        ),
    ),
    Element(
        "contact",
        gettext_noop("联系方式或下一步"),
        re.compile(
            r"电话|致电|拨打|热线|联系方式|联系人|咨询|\d{3,4}[-—]\d{4,8}|\d{5,}|下一步|下一阶段|下阶段|下步|今后|"
            r"如有疑问|如您|可向|可到|可直接|请您|建议(?:您|你|当事人|市民|业主|家长|群众|网友)|后续|正在|预计|力争|"
            r"(?<![模虚])拟|计划(?!生育)|待[^,，。;；]{1,20}后|会(?:继续|积极|及时|尽快|加强)|将(?:及时|第一时间|根据|按照)|"
            r"将[\u4e00-\u9fff]{0,6}(?:继续|加强|加大|进一步|积极|尽快|启动|开展|组织|调整|完善)"
        ),
    ),
    Element("date", gettext_noop("答复日期"), re.compile(_DATE)),
)
ELEMENT_KEYS = tuple(e.key for e in ELEMENTS)

# What a reply template (`knowledge.templates`) leaves for the handler to write: a bracketed hint
# (【办理经过】) or a line of underscores. A reply that still holds one would reach the citizen half
# written, and is refused (`feedback.actions.blanks_refusal`, which the check of a draft shows too).
BLANK = re.compile(r"【[^【】\n]{1,30}】|_{3,}|＿{3,}")


def unfilled(text: str) -> list[str]:
    """The blanks of a template still in `text`, each once, in order."""
    return list(dict.fromkeys(m.group(0) for m in BLANK.finditer(text)))


# Where a sentence ends. A sentence that still holds a blank is not written yet: the template's
# words around the blank announce what the handler has to write (经…核查，【核查情况与原因】; 目前
# 【办理结果】; 请致电【联系电话】) and say nothing done, found or given until it is.
_SENTENCE_ENDS = "。！？!?；;\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")


def written(text: str) -> str:
    """`text` without the sentences that still hold a blank of a template (`unfilled`), each
    taken out with its closing mark and left as a full stop."""
    parts: list[str] = []
    at = 0
    for blank in BLANK.finditer(text):
        if blank.start() < at:  # in a sentence taken out already
            continue
        start = max(at, max(text.rfind(mark, 0, blank.start()) for mark in _SENTENCE_ENDS) + 1)
        end = _SENTENCE_END.search(text, blank.end())
        parts += [text[at:start], "。"]
        at = end.end() if end else len(text)
    return "".join([*parts, text[at:]])


# A reason: what makes a reply explain rather than announce.
REASON = re.compile(
    r"因为|由于|鉴于|原因|因此|所以|是因|导致|为了|目的是|以便|属于|不属于|符合|不符合|不具备|无法|不能|故"
)

# The formula around what a reply says: the salutation, the acknowledgement, "现将…回复如下", the
# thanks and the signature's date. What is left is the reply's own words.
_OPENING = re.compile(r"^.{0,160}?(?:(?:答复|回复|说明|反馈)如下|如下答复|现答复|现回复)[：:。，,！!]?")
_SALUTATION = re.compile(
    r"^(?:网友)?[“\"]?[^，。！!：:”\"]{0,30}[”\"]?[：:，,]?\s*(?:您好|你好)[！!，,。：:]?"
)
_RECEIVED = re.compile(r"^(?:您的?|你的?)?(?:留言|来信|函件|信件|诉求)(?:已)?收悉[。，,！!；;]?")
_THANKS = re.compile(r"(?:非常|衷心)?感谢您?(?:对|的)[^。！!]{0,40}[。！!]?")
_TRAILING_DATE = re.compile(r"(?:" + _FULL_DATE + r")[。]?$")
_SPACE = re.compile(r"\s+")

# Bigrams that name no topic: every appeal and every reply has them.
_GENERIC = """
    问题 反映 您好 你好 网友 留言 我们 你们 他们 这个 一个 没有 可以 是否 现在 目前 情况 有关 相关 关于 部门
    工作 希望 请求 要求 感谢 谢谢 领导 处理 解决 进行 已经 如下 回复 答复 收悉 市民 群众 老百姓 请问 咨询
    为什么 什么 怎么 如何 能否 能不 不能 不是 就是 但是 而且 因为 所以 还是 还有 这样 这些
"""
_GENERIC_BIGRAMS = frozenset(_GENERIC.split())
_TOPICAL = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def normalize(text: str) -> str:
    """Full-width forms folded (NFKC), blanks removed: Chinese needs no spaces between words."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def body_of(reply: str) -> str:
    """The reply without its formula: what it says of this appeal."""
    text = normalize(reply)
    for pattern in (_OPENING, _SALUTATION, _RECEIVED):
        text = pattern.sub("", text, count=1)
    text = _THANKS.sub("", text)
    return _TRAILING_DATE.sub("", text)


# The letter around a reply's substance as `substance` takes it off, on the text as written (no
# folding: what is left is shown to people): the greeting, the acknowledgement, "现将…答复如下", and
# from the contact line or the thanks to the end (the unit and the date below them).
_LETTER_OPENINGS = (
    re.compile(r"^[^：:，,。！!\n]{0,30}[：:，,]?\s*(?:您好|你好)[！!，,。：:]?\s*"),
    re.compile(r"^[^。！!\n]{0,80}?(?:收悉|收到)[^。！!\n]{0,10}[。！!，,]\s*"),
    re.compile(r"^[^。！!\n]{0,60}?(?:答复|回复|说明)如下[：:]\s*"),
)
_LETTER_CLOSING = re.compile(
    r"\s*(?:如有疑问|如有疑义|如有异议|如仍有疑问|感谢您|非常感谢|衷心感谢|特此答复|特此回复)[\s\S]*$"
)


def substance(reply: str) -> str:
    """What a reply says of the matter, without the letter around it: the answer a knowledge-base
    article keeps of a consultation's reply (`knowledge.actions`). The reply itself when nothing is left."""
    text = (reply or "").strip()
    for pattern in _LETTER_OPENINGS:
        text = pattern.sub("", text, count=1)
    text = _LETTER_CLOSING.sub("", text).strip()
    return text or (reply or "").strip()


def _bigrams(text: str) -> set[str]:
    return {
        text[i : i + 2]
        for i in range(len(text) - 1)
        if _TOPICAL.search(text[i : i + 2]) and text[i : i + 2] not in _GENERIC_BIGRAMS
    }


# How many characters of its own words a reply needs before it can be expected to repeat as much of
# the appeal as replies do: a shorter one is read against what its length can hold.
SAYS_ENOUGH = 150


def relevance(appeal_title: str, appeal_text: str, reply: str) -> float:
    """The share of the appeal's topical bigrams that the reply repeats, 0-1; the title's count
    twice (it names the problem, the text tells the story). A reply of fewer than `SAYS_ENOUGH`
    characters of its own words is read against what its length can hold: on the 2,816 official
    replies, two thirds of the genuine ones under 80 characters repeated under a tenth of their
    appeal (flagged as speaking of something else), and from 150 on almost none did. 0 without a
    reply."""
    title, text = normalize(appeal_title), normalize(appeal_text)
    # The whole reply: a reply that names the problem in its opening ("针对您反映…的问题") speaks of it.
    said = _bigrams(normalize(reply))
    if not said:
        return 0.0
    title_grams, text_grams = _bigrams(title), _bigrams(text[:600])
    weight = 2 * len(title_grams) + len(text_grams)
    if not weight:
        return 0.0
    found = 2 * len(title_grams & said) + len(text_grams & said)
    # Half the appeal's words in the reply is as relevant as replies get: scale so that it reads 1.
    share = 2 * found / weight
    room = min(1.0, max(len(body_of(reply)), SAYS_ENOUGH // 10) / SAYS_ENOUGH)
    return round(min(1.0, share / room), 4)


# What the scores count in the reply's own words (beyond its formula), besides the elements: the
# policy it cites, what was done, a reason, a next step, empty promises, a contact, its clauses and
# figures (dates, numbers, amounts: what was found).
_COUNTED: dict[str, re.Pattern[str]] = {
    "basis": re.compile(r"法律|法规|条例|规定|政策|办法|细则|文件|依据|根据|按照|依法"),
    "done": ELEMENTS[1].pattern,
    "reason": REASON,
    # Not 待遇 (benefits), 接待 or 对待, 模拟 (a mock test) or 计划生育 (family planning).
    "next": re.compile(r"下一步|将|(?<![接对等期优招])待(?!遇)|(?<![模虚])拟|预计|力争|计划(?!生育)"),
    # Words that promise without saying what: "将充分论证研究", "认真考虑", "积极推进".
    "vague": re.compile(r"充分论证|认真考虑|已收集|积极推进|研究|逐步|尽快|争取|关注"),
    "contact": ELEMENTS[4].pattern,
    "clauses": re.compile(r"[，,。；;]"),
    "figures": re.compile(r"\d+"),
}
# Questions the appeal asks: a reply owes an answer to each (a suggestion is answered differently).
_QUESTION = re.compile(r"[?？吗]")


def signals(reply: str, appeal_text: str = "") -> dict[str, float]:
    """What the completeness and interpretability scores read: each element present (0/1), a
    reason given (0/1), the log length of the reply's own words, log(1 + how many times) each of
    `_COUNTED` occurs in them, and log(1 + the questions the appeal asks)."""
    text, body = normalize(reply), body_of(reply)
    found: dict[str, float] = {e.key: 1.0 if e.present(text) else 0.0 for e in ELEMENTS}
    found["reason"] = 1.0 if REASON.search(body) else 0.0
    found["body_length"] = math.log1p(len(body))
    for name, pattern in _COUNTED.items():
        # What was done is counted as the element finds it: not in a forwarding note.
        said = ELEMENTS[1].said(body) if name == "done" else body
        found[f"n_{name}"] = math.log1p(len(pattern.findall(said)))
    found["appeal_questions"] = math.log1p(len(_QUESTION.findall(normalize(appeal_text))))
    return found


# Logistic weights over `signals`, fitted on the 100 hand-labelled replies (bench/replies.py --fit,
# which measures them by repeated cross-validation with the length-only rule beside them; the
# standardisation the fit used is folded into these weights).
FEATURES: dict[str, tuple[str, ...]] = {
    # Complete: says enough, with a reason, a next step and a contact, few empty promises, and
    # answers an appeal that asked questions.
    "completeness": ("body_length", "n_reason", "n_next", "n_vague", "n_contact", "appeal_questions"),
    # Interpretable: explains with what was found (clauses, figures) and the policy, rather than
    # with what will be (next steps). Only signals whose weight can mean what the criterion means:
    # fitted with them, what was done, a reason and a contact came out negative (and empty promises
    # positive), so that a reply lost points for giving a cause or a phone number and was told
    # "解释过于简略"; they are left out (their share of the held-out agreement was nil, ADR 0014).
    "interpretability": ("body_length", "n_clauses", "n_figures", "n_basis", "n_next"),
}
WEIGHTS: dict[str, dict[str, float]] = {
    "completeness": {
        "intercept": -11.3223,
        "body_length": 2.1065,
        "n_reason": 0.8526,
        "n_next": 1.5884,
        "n_vague": -0.528,
        "n_contact": 0.5365,
        "appeal_questions": 1.9134,
    },
    "interpretability": {
        "intercept": -6.4359,
        "body_length": 0.7335,
        "n_clauses": 0.8464,
        "n_figures": 0.5944,
        "n_basis": 0.6272,
        "n_next": -0.8384,
    },
}


def logistic(
    criterion: str, found: dict[str, float], weights: dict[str, dict[str, float]] | None = None
) -> float:
    w = (weights or WEIGHTS)[criterion]
    z = w["intercept"] + sum(w.get(name, 0.0) * found[name] for name in FEATURES[criterion])
    return 1.0 / (1.0 + math.exp(-z))


# --- the check -------------------------------------------------------------------------------------


class Reason(TypedDict):
    """One reason as kept: a code of `REASONS` and the figures its sentence holds; or, for a sentence
    stored before the codes that none of them says (migration feedback.0007), that sentence."""

    code: NotRequired[str]
    params: NotRequired[dict[str, Any]]
    text: NotRequired[str]


# What each reason says, in the reader's language when shown (`reason_text`). The migration of the
# sentences stored before keeps a frozen copy of these (feedback/migrations/0007): a code is never
# renamed nor given other figures.
REASONS: dict[str, Promise] = {
    "off_topic": gettext_lazy("答复与诉求的用词很少相同（已按答复的篇幅折算），请确认答复针对的是这件诉求"),
    "no_reason": gettext_lazy("没有说明原因（因为、由于、不符合等）"),
    "no_next_step": gettext_lazy("没有说明下一步安排（将、拟、预计等）"),
    "no_contact": gettext_lazy("没有联系方式或后续办理渠道"),
    "vague": gettext_lazy("有笼统表态（研究、逐步、尽快等），未说明具体安排"),
    "short_body": gettext_lazy("除套话外只有 %(n)d 字"),
    "complete_but_short": gettext_lazy(
        "原因、下一步和联系方式都已写明，但篇幅较短（除套话外 %(n)d 字），请写明办理的具体情况"
    ),
    "no_basis": gettext_lazy("没有引用政策或法规依据"),
    "no_figures": gettext_lazy("没有查明情况的具体数字（日期、数量、金额等）"),
    # Its count says how many next steps are read against what was found (`n_next`); completeness
    # asks for a next step, so this asks for the findings beside it, never for it to go.
    "promises": ngettext_lazy(
        "下一步安排已写明（%(n)d 处）；可解释性看重已查明的情况，请补充核查结果和原因",
        "下一步安排已写明（%(n)d 处）；可解释性看重已查明的情况，请补充核查结果和原因",
        "n",
    ),
    "too_brief": gettext_lazy("解释过于简略（除套话外只有 %(n)d 字）"),
    "explains_little": gettext_lazy(
        "已有依据和数字，但解释较少（除套话外 %(n)d 字），请写明查明的情况和原因"
    ),
}


def _reason(code: str, **params: Any) -> Reason:
    return {"code": code, "params": params}


def reason_text(reason: Mapping[str, Any] | str) -> str:
    """A reason's sentence in the active language. A sentence kept as it was (`text`, or a bare
    string) is shown as it is; so is a code this version does not know, by its text if it has one."""
    if isinstance(reason, str):
        return reason
    message = REASONS.get(str(reason.get("code", "")))
    if message is None:
        return str(reason.get("text") or reason.get("code") or "")
    try:
        # The message formats itself: a plural one (`ngettext_lazy`) picks its form by the count.
        return str(message % dict(reason.get("params") or {}))
    except (KeyError, TypeError, ValueError):  # figures that do not fit: the sentence without them
        # (a plural message has no sentence without its count: then the text kept, or the code)
        return str(reason.get("text") or message) or str(reason.get("code"))


def sentences(reasons: Mapping[str, Sequence[Any]] | None) -> dict[str, list[str]]:
    """A check's reasons (criterion -> kept reasons, `Check.reasons` or `ReplyCheck.reasons`) as
    sentences in the active language: what every page, the API and the command line show."""
    if not isinstance(reasons, Mapping):
        return {}
    return {
        str(criterion): [reason_text(r) for r in items]
        for criterion, items in reasons.items()
        if isinstance(items, Sequence) and not isinstance(items, str)
    }


@dataclass(frozen=True)
class Check:
    """A reply's three scores (0-1), whether it is weak, and per criterion what to do about it."""

    relevance: float
    completeness: float
    interpretability: float
    weak: bool
    # criterion -> what lowered its score, as codes (`sentences` tells them in words).
    reasons: dict[str, list[Reason]] = field(default_factory=dict)

    def scores(self) -> dict[str, float]:
        return {c: getattr(self, c) for c in CRITERIA}


def cuts() -> dict[str, float]:
    """The score under which a criterion is weak."""
    conf: dict[str, Any] = settings.HOTLINE["REPLY_CHECK"]
    return {
        "relevance": float(conf["RELEVANCE_MIN"]),
        "completeness": float(conf["SCORE_MIN"]),
        "interpretability": float(conf["SCORE_MIN"]),
    }


def check(appeal_title: str, appeal_text: str, reply: str) -> Check:
    """Score a reply to an appeal; the reasons as codes, in no language (`sentences`)."""
    found = signals(reply, appeal_text)
    scores = {
        "relevance": relevance(appeal_title, appeal_text, reply),
        "completeness": round(logistic("completeness", found), 4),
        "interpretability": round(logistic("interpretability", found), 4),
    }
    cut = cuts()
    reasons: dict[str, list[Reason]] = {}
    if scores["relevance"] < cut["relevance"]:
        reasons["relevance"] = [_reason("off_topic")]
    if scores["completeness"] < cut["completeness"]:
        reasons["completeness"] = _completeness_reasons(found, len(body_of(reply)))
    if scores["interpretability"] < cut["interpretability"]:
        reasons["interpretability"] = _interpretability_reasons(reply, found)
    return Check(**scores, weak=bool(reasons), reasons=reasons)


# Under this many characters of its own words a reply is said to be short: of the 100 labelled
# replies, 3 of the 75 labelled complete and 1 of the 59 labelled interpretable were shorter.
SHORT = 80


def elements(reply: str) -> list[tuple[str, bool]]:
    """The issue's six elements of a reply (问候, 办理经过, 办理结果, 政策依据, 联系方式或下一步,
    答复日期), each with whether the reply has it, in the active language: a checklist shown beside
    the scores. Only the contact weighs in a score (completeness); the others are what a supervisor
    checks, and are not given as the reason of a score they do not enter."""
    # Not in a sentence a blank leaves unfinished: a template's own words would tick what the
    # handler has yet to write. The scores read the text as it is (a reply with a blank is refused).
    text = normalize(written(reply))
    return [(_(e.name), e.present(text)) for e in ELEMENTS]


# Each reason names a signal of the criterion's score (`FEATURES`) as the reply has it: a signal
# with a positive weight that the reply lacks, one with a negative weight that it has, or its
# length. So what is listed is what lowered the score, and nothing else (ADR 0014, 2026-12-06).


def _completeness_reasons(found: dict[str, float], body: int) -> list[Reason]:
    """Why a weak reply scores low on completeness: no reason, no next step, no contact, empty
    promises, little said; when it has all that, its length is what is left."""
    reasons = []
    if not found["n_reason"]:
        reasons.append(_reason("no_reason"))
    if not found["n_next"]:
        reasons.append(_reason("no_next_step"))
    if not found["n_contact"]:
        reasons.append(_reason("no_contact"))
    if found["n_vague"]:
        reasons.append(_reason("vague"))
    if body < SHORT:
        reasons.append(_reason("short_body", n=body))
    return reasons or [_reason("complete_but_short", n=body)]


def _interpretability_reasons(reply: str, found: dict[str, float]) -> list[Reason]:
    """Why a weak reply explains too little: no policy, no figure (what was found: dates, counts,
    amounts), what will be done rather than what was found, little said; when it has the policy and
    the figures, its length and clauses are what is left."""
    body = body_of(reply)
    reasons = []
    if not found["n_basis"]:
        reasons.append(_reason("no_basis"))
    if not found["n_figures"]:
        reasons.append(_reason("no_figures"))
    promises = len(_COUNTED["next"].findall(body))
    if promises:
        reasons.append(_reason("promises", n=promises))
    if len(body) < SHORT:
        reasons.append(_reason("too_brief", n=len(body)))
    return reasons or [_reason("explains_little", n=len(body))]
