"""A reply check's reasons as codes with their figures, told in the reader's language where shown
(`feedback.quality.sentences`), instead of the sentences of the language active when the reply was
checked (mostly Chinese, from the worker or a Chinese request, so that the English pages showed
them in Chinese).

Each stored sentence that is one the check said, in Chinese or in English, becomes its code with
its figure; any other (a wording of an earlier version of the check) is kept as it is, as a text
that is shown as it is. Back, each code becomes its Chinese sentence again. The sentences are a
frozen copy of `quality.REASONS` and their English: a migration says what was stored then, whatever
the check says later.
"""

import re
from typing import Any

from django.db import migrations

# code -> (the Chinese sentence, its English translation as the catalogue had it), %(n)d the figure.
SENTENCES: dict[str, tuple[str, str]] = {
    "off_topic": (
        "答复与诉求的用词很少相同（已按答复的篇幅折算），请确认答复针对的是这件诉求",
        "The reply shares few words with the appeal (allowing for its length); check that it answers this appeal",
    ),
    "no_reason": (
        "没有说明原因（因为、由于、不符合等）",
        "No reason given (because, due to, does not meet…)",
    ),
    "no_next_step": ("没有说明下一步安排（将、拟、预计等）", "No next step given (will, plan to, expected…)"),
    "no_contact": ("没有联系方式或后续办理渠道", "No contact or way to follow up"),
    "vague": (
        "有笼统表态（研究、逐步、尽快等），未说明具体安排",
        "Makes a general promise (study, gradually, as soon as possible…) without saying what will be done",
    ),
    "short_body": ("除套话外只有 %(n)d 字", "Only %(n)d characters beyond the formula"),
    "complete_but_short": (
        "原因、下一步和联系方式都已写明，但篇幅较短（除套话外 %(n)d 字），请写明办理的具体情况",
        "Reason, next step and contact are given, but the reply is short (%(n)d characters beyond the "
        "formula); say what was done in detail",
    ),
    "no_basis": ("没有引用政策或法规依据", "No policy or regulation cited"),
    "no_figures": (
        "没有查明情况的具体数字（日期、数量、金额等）",
        "No figures of what was found (dates, quantities, amounts)",
    ),
    "promises": (
        "有 %(n)d 处讲的是将要做的事（“将”“拟”“预计”等），评分看重已查明的情况",
        "%(n)d places speak of what will be done (“将”, “拟”, “预计”…); the score values what was found",
    ),
    "too_brief": (
        "解释过于简略（除套话外只有 %(n)d 字）",
        "Explanation too brief (only %(n)d characters besides boilerplate)",
    ),
    "explains_little": (
        "已有依据和数字，但解释较少（除套话外 %(n)d 字），请写明查明的情况和原因",
        "It cites a basis and figures but explains little (%(n)d characters beyond the formula); say what "
        "was found and why",
    ),
}
_FIGURE = "%(n)d"


def _pattern(sentence: str) -> re.Pattern[str]:
    head, _sep, tail = sentence.partition(_FIGURE)
    return re.compile(re.escape(head) + (r"(?P<n>\d+)" + re.escape(tail) if _sep else "") + r"\Z")


_PATTERNS = [(code, _pattern(s)) for code, pair in SENTENCES.items() for s in pair]


def reason_code(item: Any) -> Any:
    """One stored reason as a code with its figure, or as a text shown as it is. A reason already
    kept as a code (a dict) is left as it is."""
    if not isinstance(item, str):
        return item
    sentence = item.strip()
    for code, pattern in _PATTERNS:
        if found := pattern.match(sentence):
            return {"code": code, "params": {"n": int(found["n"])} if "n" in pattern.groupindex else {}}
    return {"text": item}


def to_codes(reasons: Any) -> Any:
    """A check's stored reasons (criterion -> sentences) with each sentence as its code."""
    if not isinstance(reasons, dict):
        return reasons
    return {
        criterion: [reason_code(i) for i in items] if isinstance(items, list) else items
        for criterion, items in reasons.items()
    }


def to_sentences(reasons: Any) -> Any:
    """Back: each code as its Chinese sentence, each kept text as it was."""
    if not isinstance(reasons, dict):
        return reasons

    def said(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        if item.get("code") in SENTENCES:
            return SENTENCES[item["code"]][0] % dict(item.get("params") or {})
        return item.get("text", item)

    return {
        criterion: [said(i) for i in items] if isinstance(items, list) else items
        for criterion, items in reasons.items()
    }


def _convert(convert: Any) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        ReplyCheck = apps.get_model("feedback", "ReplyCheck")
        changed = []
        # Only the weak checks have reasons; in batches, so a large table is not held in memory.
        for check in ReplyCheck.objects.filter(weak=True).only("pk", "reasons").iterator(chunk_size=2000):
            reasons = convert(check.reasons)
            if reasons != check.reasons:
                check.reasons = reasons
                changed.append(check)
            if len(changed) >= 2000:
                ReplyCheck.objects.bulk_update(changed, ["reasons"])
                changed = []
        ReplyCheck.objects.bulk_update(changed, ["reasons"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_reply_check_returned"),
    ]

    operations = [
        migrations.RunPython(_convert(to_codes), _convert(to_sentences), elidable=True),
    ]
