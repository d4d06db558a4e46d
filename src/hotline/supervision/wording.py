"""The sentences the supervision writes into its rows by itself: a supervision's reason (督办事由),
its closing note (办结说明) and the sweep's notices (a deadline passed or near, the day's to-do list:
`notifications.Notification.message`), stored in the city's language and shown in the reader's.

Each sentence is held once, here, as a msgid with named placeholders. The sweep and the actions
build the stored text from it (`stored`, or `in_sql` for the sweep's INSERT ... SELECT); a page
reads a stored text back (`recognised`: a pattern compiled from the same msgid, the placeholders as
named groups) and says it again in the active language (`shown`). Producer and reader cannot drift
apart; a text that no sentence here says (a person's words, a sentence of an older version) is shown
as it was stored. The API and the exports keep the stored text: it is the record.

A placeholder is a ticket's number (`number`), the city's data (`title`, `label`: any text), a
count (`days`, `n`), or one of a few words of the system's own (`CHOICES`: kept as a code and said
in the reader's language).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models.functions import Concat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.core.sql import text as sql_text

# The words a sentence names by code: stored as the word, recognised back to the code.
CHOICES: dict[str, dict[str, str]] = {
    # What the step of the ladder that an overdue assignment reached does.
    "step": {
        "reminder": gettext_noop("催办"),
        "order": gettext_noop("督办"),
        "listing": gettext_noop("挂牌督办"),
        "elevation": gettext_noop("提级由上级单位办理"),
    },
    # A deadline a unit missed (`sweep.deadline_passed`): signing for its assignment, responding.
    "deadline": {
        "sign": gettext_noop("签收"),
        "response": gettext_noop("响应"),
    },
    # A kind of supervision, by its name (`SupervisionKind`'s labels).
    "kind": {
        "reminder": gettext_noop("催办"),
        "order": gettext_noop("督办"),
        "listing": gettext_noop("挂牌督办"),
        "elevation": gettext_noop("提级办理"),
    },
}

# What each kind of placeholder matches in a stored text.
_PATTERNS = {
    "number": r"\S+?",
    "days": r"\d+",
    "n": r"\d+",
    "title": r".*",
    "label": r".*",
    "percent": r"\d+",
    "month": r"\d{1,2}",
    "day": r"\d{1,2}",
    "unsigned": r"\d+",
    "overdue": r"\d+",
}


@dataclass(frozen=True)
class Sentence:
    code: str
    msgid: str  # Chinese, with %(name)s placeholders


# Every sentence, by code. A msgid is never changed in place: the rows already stored say the old
# one. A new wording is a new code, and the old one stays here to be recognised.
SENTENCES: dict[str, Sentence] = {
    s.code: s
    for s in (
        # The 30-minute response of an urgent ticket missed (`sweep.response_reminded`).
        Sentence(
            "response_overdue", gettext_noop("工单 %(number)s「%(title)s」首次响应时限已过仍未签收，催办。")
        ),
        # The escalation ladder (`sweep.escalate`): overdue at all, then by working days.
        Sentence("overdue", gettext_noop("工单 %(number)s「%(title)s」已超期，%(step)s。")),
        Sentence(
            "overdue_days",
            gettext_noop("工单 %(number)s「%(title)s」已超期 %(days)s 个工作日以上，%(step)s。"),
        ),
        # Repetitions (`sweep.repeated`): of an issue, of an address, of a citizen.
        Sentence(
            "repeated_issue",
            gettext_noop(
                "同一问题（%(label)s）%(days)s 天内 %(n)s 位诉求人反映，督办工单 %(number)s「%(title)s」。"
            ),
        ),
        Sentence(
            "repeated_place",
            gettext_noop(
                "同一地址（%(label)s）%(days)s 天内 %(n)s 位诉求人反映，督办工单 %(number)s「%(title)s」。"
            ),
        ),
        Sentence(
            "repeated_citizen",
            gettext_noop(
                "同一市民 %(days)s 天内反映 %(n)s 次，经人工审核为合理诉求（问题未解决），"
                "督办工单 %(number)s「%(title)s」。"
            ),
        ),
        # Returned again and again (`sweep.returned`).
        Sentence("returned", gettext_noop("工单 %(number)s「%(title)s」已被退单 %(n)s 次，督办。")),
        # Closing notes: the sweep's (`sweep.resolve_settled`), and a step up's, by hand or by the
        # sweep (`actions.superseded_note`).
        Sentence("settled", gettext_noop("工单已办结或派单已反馈，自动销号")),
        Sentence("signed", gettext_noop("承办单位已签收，自动销号")),
        Sentence("superseded", gettext_noop("已升级为%(kind)s，自动销号")),
        # The sweep's notices to a unit (`sweep.deadline_passed`, `sweep.due_soon`, `sweep.daily`).
        Sentence(
            "deadline_passed",
            gettext_noop("工单 %(number)s「%(title)s」%(deadline)s时限已过，请尽快%(deadline)s。"),
        ),
        Sentence(
            "due_soon",
            gettext_noop("工单 %(number)s「%(title)s」已用去 %(percent)s%% 的办理时间，请抓紧办理。"),
        ),
        Sentence(
            "daily",
            gettext_noop(
                "%(month)s月%(day)s日待办提醒：您单位有 %(n)s 件工单尚未办结，"
                "其中待签收 %(unsigned)s 件，已超期 %(overdue)s 件。"
            ),
        ),
    )
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _parts(template: str) -> list[tuple[str, str]]:
    """A template cut into ("", literal) and (name, "") pieces, in order."""
    parts: list[tuple[str, str]] = []
    at = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > at:
            parts.append(("", template[at : m.start()].replace("%%", "%")))
        parts.append((m.group(1), ""))
        at = m.end()
    if at < len(template):
        parts.append(("", template[at:].replace("%%", "%")))
    return parts


def _in_city_language(msgid: str) -> str:
    """What is stored: the city's words (settings.LANGUAGE_CODE), whoever's request stores it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(msgid)


def _choice_word(name: str, code: str) -> str:
    return _in_city_language(CHOICES[name][code])


def kind_word(kind: str) -> str:
    """A kind of supervision (`SupervisionKind`'s value) named as stored: in the city's language."""
    return _choice_word("kind", kind)


def stored(code: str, **params: Any) -> str:
    """The sentence `code` with `params`, as stored (a choice by its code)."""
    sentence = SENTENCES[code]
    values = {k: _choice_word(k, v) if k in CHOICES else v for k, v in params.items()}
    return _in_city_language(sentence.msgid) % values


def in_sql(code: str, **params: Any) -> Concat:
    """`stored` as an SQL expression, for an INSERT ... SELECT: a param may be a column (`F(...)`)."""
    pieces: list[Any] = []
    for name, literal in _parts(_in_city_language(SENTENCES[code].msgid)):
        if not name:
            pieces.append(literal)
            continue
        value = params[name]
        if name in CHOICES:
            value = _choice_word(name, value)
        pieces.append(value)  # a column as it is, a value as text
    return sql_text(*pieces)


def _pattern(template: str, choices: Mapping[str, Mapping[str, str]]) -> re.Pattern[str]:
    out = []
    seen: set[str] = set()
    for name, literal in _parts(template):
        if not name:
            out.append(re.escape(literal))
        elif name in seen:  # said twice (请尽快签收): the same words again
            out.append(f"(?P={name})")
        elif name in choices:
            alternatives = "|".join(re.escape(w) for w in sorted(choices[name], key=len, reverse=True))
            out.append(f"(?P<{name}>{alternatives})")
        else:
            out.append(f"(?P<{name}>{_PATTERNS.get(name, '.*')})")
        seen.add(name)
    return re.compile("".join(out), re.DOTALL)


def _forms(sentence: Sentence) -> list[tuple[re.Pattern[str], dict[str, dict[str, str]]]]:
    return _forms_in(sentence.code, settings.LANGUAGE_CODE)


@cache
def _forms_in(code: str, city_language: str) -> list[tuple[re.Pattern[str], dict[str, dict[str, str]]]]:
    """The patterns of a sentence as it may be stored: in the city's language, and as its msgid
    (the same sentence when the city speaks Chinese); with each choice's words -> codes."""
    sentence = SENTENCES[code]
    forms = []
    for language in dict.fromkeys([city_language, None]):
        with translation.override(language):
            template = _(sentence.msgid) if language else sentence.msgid
            words = {
                name: {(_(msgid) if language else msgid): code for code, msgid in CHOICES[name].items()}
                for name in CHOICES
                if f"%({name})s" in template
            }
        forms.append((_pattern(template, words), words))
    return forms


def recognised(text: str) -> tuple[str, dict[str, str]] | None:
    """The sentence that `text` is and its params (a choice by its code); None for other text."""
    for sentence in SENTENCES.values():
        for pattern, words in _forms(sentence):
            m = pattern.fullmatch(text)
            if m:
                params = {k: words[k][v] if k in words else v for k, v in m.groupdict().items()}
                return sentence.code, params
    return None


def said(code: str, params: Mapping[str, Any]) -> str:
    """The sentence `code` with `params` in the active language."""
    values = {k: _(CHOICES[k][v]) if k in CHOICES else v for k, v in params.items()}
    return _(SENTENCES[code].msgid) % values


def shown(text: str) -> str:
    """A stored text as a page shows it: a sentence of the system's in the active language, any
    other text as it was stored."""
    found = recognised(text or "")
    if found is None:
        return text
    try:
        return said(*found)
    except (KeyError, TypeError, ValueError):  # a translation that names other params: as stored
        return text
