"""The sentences the system writes into its rows by itself, stored in the city's language and shown
in the reader's: a supervision's reason (督办事由) and its closing note (办结说明); the notices
(`notifications.Notification.message`) of the sweep (a deadline passed or near, the day's to-do
list), of a supervision opened or closed by hand, of an early warning and of the reports made; and
the notes the system puts on a ticket's timeline (an extension request withdrawn, a call merged or
linked at the console, a rating on the portal).

Each sentence is held once, here, as a msgid with named placeholders (the extension's withdrawal
note in `sla.withdrawals`, which writes it from below this layer; it is registered here). The sweep
and the actions build the stored text from it (`stored`, or `in_sql` for the sweep's INSERT ...
SELECT); a page reads a stored text back (`recognised`: a pattern compiled from the same msgid,
the placeholders as named groups) and says it again in the active language (`shown`). Producer and
reader cannot drift apart; a text that no sentence here says (a person's words, a sentence of an
older version) is shown as it was stored. The API and the exports keep the stored text: it is the record.

A placeholder is a ticket's number (`number`), the city's data or a person's words (`title`,
`label`, `reason`, `note`: any text, kept as it is), a count (`days`, `n`), a moment (`until`), or
one of a few words of the system's own (`CHOICES`: kept as a code and said in the reader's
language; a sentence may name the set its placeholder takes the words of, `Sentence.choices`).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models.functions import Concat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hotline.core.phone import mask_numbers
from hotline.core.sql import text as sql_text
from hotline.notifications.models import Notification
from hotline.sla.withdrawals import CAUSES, WITHDRAWAL_NOTE
from hotline.tickets.selectors import callers_of

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
    # What ended an assignment's handling, by the action (`sla.withdrawals`), "other" for the rest.
    "cause": CAUSES,
    # The city's report of a period (`ReportKind`), as the leaders' notice names it: the kind said
    # with the city, one phrase, so that a language puts its words in its own order.
    "city_report": {
        "daily": gettext_noop("全市日报"),
        "weekly": gettext_noop("全市周报"),
        "monthly": gettext_noop("全市月报"),
        "quarterly": gettext_noop("全市季报"),
    },
    # What raised an early warning (`WarningKind`'s labels).
    "warning": {
        "spike": gettext_noop("诉求突增"),
        "hotspot": gettext_noop("热点快速增长"),
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
    "reason": r".*",
    "note": r".+",  # a sentence with a note and one without are two sentences
    "until": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
    "count": r"\d+",
    "span": r"\d{4}-\d{2}-\d{2}(?: — \d{4}-\d{2}-\d{2})?",
    "observed": r"\d+",
    "appeals": r"\d+",
    "expected": r"\d+(?:\.\d+)?",
    "hours": r"\d+",
    "recent": r"\d+",
    "people": r"\d+",
}

# The params of a sentence that are sentences of the system's too, said in the reader's language
# within it: an early warning's title inside its notice.
_SAID_WITHIN: dict[str, tuple[str, ...]] = {
    "early_warning": ("title",),
    "early_warning_joined": ("title", "finding"),
}


@dataclass(frozen=True)
class Sentence:
    code: str
    msgid: str  # Chinese, with %(name)s placeholders
    # A placeholder that takes the words of a set of `CHOICES` not of its own name, as (placeholder,
    # set) pairs: an early warning's %(kind)s is a kind of warning, not of supervision.
    choices: tuple[tuple[str, str], ...] = ()

    def choice_set(self, name: str) -> str | None:
        """The set of `CHOICES` whose words placeholder `name` takes, or None for any text."""
        named = dict(self.choices)
        if name in named:
            return named[name]
        return name if name in CHOICES else None


# Every sentence, by code. A msgid is never changed in place: the rows already stored say the old
# one. A new wording is a new code, and the old one stays here to be recognised.
SENTENCES: dict[str, Sentence] = {
    s.code: s
    for s in (
        # The 30-minute response of an urgent ticket missed (`sweep.response_reminded`).
        Sentence(
            "response_overdue", gettext_noop("工单 %(number)s「%(title)s」首次响应时限已过仍未签收，催办。")
        ),
        # The same, naming the unit that has not signed: a ticket led by one unit with another
        # co-handling gave the supervisors two identical lines (audit of 2026-12-06). Before
        # "response_overdue", which the rows stored before this still say.
        Sentence(
            "response_overdue_unit",
            gettext_noop("工单 %(number)s「%(title)s」：%(unit)s首次响应时限已过仍未签收，催办。"),
        ),
        # The escalation ladder (`sweep.escalate`): overdue at all, then by working days.
        # Naming the unit late: a ticket's lead and co-handler both late gave the leaders of a 挂牌
        # two identical lines (audit of 2026-12-06). Before the two without it, which the rows
        # stored before say.
        Sentence("overdue_unit", gettext_noop("工单 %(number)s「%(title)s」：%(unit)s已超期，%(step)s。")),
        Sentence(
            "overdue_days_unit",
            gettext_noop("工单 %(number)s「%(title)s」：%(unit)s已超期 %(days)s 个工作日以上，%(step)s。"),
        ),
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
        # A supervision opened by hand, told to its unit (`actions.do_open_supervision`): the
        # supervisor's reason as typed, with the supervision's own deadline or without one.
        Sentence(
            "opened_until",
            gettext_noop("工单 %(number)s「%(title)s」被%(kind)s，督办时限 %(until)s：%(reason)s"),
        ),
        Sentence("opened", gettext_noop("工单 %(number)s「%(title)s」被%(kind)s：%(reason)s")),
        # A supervision closed by hand, told to its unit (`actions.do_resolve_supervision`): with
        # the supervisor's note as typed, or without one.
        Sentence("resolved", gettext_noop("工单 %(number)s 的%(kind)s已办结。")),
        Sentence("resolved_note", gettext_noop("工单 %(number)s 的%(kind)s已办结。%(note)s")),
        # An extension request withdrawn, on the timeline and the ticket's page (`sla.withdrawals`).
        Sentence("withdrawn", WITHDRAWAL_NOTE),
        # The notes of a call merged into or linked to a ticket at the console (`web.console`).
        Sentence("merged_at_console", gettext_noop("受理台：来电并入 %(number)s")),
        Sentence("linked_at_console", gettext_noop("受理台：来电与 %(number)s 相关")),
        # The note of a callback the citizen recorded on the portal (`web.portal`).
        Sentence("rated_on_portal", gettext_noop("市民在网上门户评价")),
        # The leaders' notices of an early warning and of its update (`analytics.early_warning`);
        # the warning's title and a finding's are the sentences below, said in the reader's
        # language inside these (`_SAID_WITHIN`).
        Sentence("early_warning", gettext_noop("预警：%(title)s")),
        Sentence(
            "early_warning_joined",
            gettext_noop("预警更新：%(title)s（又触发%(kind)s：%(finding)s）"),
            choices=(("kind", "warning"),),
        ),
        # An early warning's title (`analytics.early_warning`): a cell's spike, counted in people or
        # in appeals, and a hot spot's burst or growth. The category, area, place and description
        # are the figures' own words.
        Sentence(
            "warning_spike_people",
            gettext_noop(
                "%(category)s · %(area)s：%(days)s 日内 %(observed)s 人反映（%(appeals)s 件诉求），"
                "基线 %(expected)s 人"
            ),
        ),
        Sentence(
            "warning_spike",
            gettext_noop("%(category)s · %(area)s：%(days)s 日内 %(observed)s 件诉求，基线 %(expected)s 件"),
        ),
        Sentence(
            "warning_burst",
            gettext_noop("%(place)s：%(description)s（%(hours)s 小时内 %(n)s 件，%(people)s 人）"),
        ),
        Sentence(
            "warning_growth", gettext_noop("%(place)s：%(description)s（近 7 日 %(recent)s 件，共 %(n)s 件）")
        ),
        # A unit told what was decided of what it asked or sent (`sweep.decided`).
        Sentence(
            "extension_approved",
            gettext_noop("工单 %(number)s「%(title)s」的延期申请已批准，新的办理时限 %(until)s。"),
        ),
        Sentence(
            "extension_refused_note", gettext_noop("工单 %(number)s「%(title)s」的延期申请未获批准：%(note)s")
        ),
        Sentence("extension_refused", gettext_noop("工单 %(number)s「%(title)s」的延期申请未获批准。")),
        Sentence("return_upheld", gettext_noop("工单 %(number)s「%(title)s」的退单已获同意，已另行派单。")),
        Sentence(
            "return_rejected_note",
            gettext_noop("工单 %(number)s「%(title)s」的退单未获支持，请继续办理：%(note)s"),
        ),
        Sentence("return_rejected", gettext_noop("工单 %(number)s「%(title)s」的退单未获支持，请继续办理。")),
        Sentence(
            "reply_returned", gettext_noop("工单 %(number)s「%(title)s」的答复被退回，请重新答复：%(reason)s")
        ),
        # The leaders' notice of the reports made for a period (`web.kept_reports`), the city's
        # report named by its kind and days. Before "reports_made", which said the report's title
        # as the city's language wrote it, and whose stored rows read as this one.
        Sentence(
            "city_reports_made",
            gettext_noop(
                "%(report)s（%(span)s）已生成（共 %(count)s 份，含各区县、承办单位），"
                "请在“报告 · 已生成报告”中查看。"
            ),
            choices=(("report", "city_report"),),
        ),
        Sentence(
            "reports_made",
            gettext_noop(
                "%(title)s已生成（共 %(count)s 份，含各区县、承办单位），请在“报告 · 已生成报告”中查看。"
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


def _values(sentence: Sentence, params: Mapping[str, Any], word: Callable[[str, str], Any]) -> dict[str, Any]:
    """`params` with each choice's code turned into its `word(set, code)`, other values as they are."""
    return {
        k: v if (choice := sentence.choice_set(k)) is None else word(choice, v) for k, v in params.items()
    }


def stored(code: str, **params: Any) -> str:
    """The sentence `code` with `params`, as stored (a choice by its code)."""
    sentence = SENTENCES[code]
    return _in_city_language(sentence.msgid) % _values(sentence, params, _choice_word)


def in_sql(code: str, **params: Any) -> Concat:
    """`stored` as an SQL expression, for an INSERT ... SELECT: a param may be a column (`F(...)`)."""
    sentence = SENTENCES[code]
    pieces: list[Any] = []
    for name, literal in _parts(_in_city_language(sentence.msgid)):
        if not name:
            pieces.append(literal)
            continue
        value = params[name]
        if (choice := sentence.choice_set(name)) is not None:
            value = _choice_word(choice, value)
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
                name: {(_(msgid) if language else msgid): code for code, msgid in CHOICES[choice].items()}
                for name in dict.fromkeys(_PLACEHOLDER.findall(template))
                if (choice := sentence.choice_set(name)) is not None
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
    sentence = SENTENCES[code]
    values = _values(sentence, params, lambda choice, v: _(CHOICES[choice][v]))
    for name in _SAID_WITHIN.get(code, ()):
        if isinstance(values.get(name), str):
            values[name] = shown(values[name])
    return _(sentence.msgid) % values


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


# The placeholders that hold a citizen's words as the sweep or an action copied them: a ticket's
# title, a repetition's label (an issue's first title, a place's address as a caller gave it).
_CITIZENS_WORDS = ("title", "label")


def shown_masked(text: str, callers: Iterable[str] = ()) -> str:
    """`shown`, with every number in a ticket's title or a repetition's label said in the sentence
    masked (`core.phone.mask_numbers`, a citizen's own words; `callers`: the ticket's callers'
    numbers, however written), as the lists mask the title for every reader (`tickets.presenter
    .listed_title`): the sentence was stored with the title as the caller wrote it ("回电139…")."""
    found = _masked_params(text, callers)
    if found is None:
        return text
    code, params = found
    try:
        return said(code, params)
    except (KeyError, TypeError, ValueError):  # a translation that names other params
        return mask_numbers(stored(code, **params), citizen=callers, citizen_text=True)


def stored_masked(text: str, callers: Iterable[str] = ()) -> str:
    """The stored sentence `text` as stored (the city's language: the API's record), with the
    numbers in a title or label it says masked as `shown_masked` masks them; other text as it is."""
    found = _masked_params(text, callers)
    if found is None:
        return text
    code, params = found
    return stored(code, **params)


def typed_masked(text: str, callers: Iterable[str] = ()) -> str:
    """What a person typed about a ticket (a 督办's reason, a note), where it is listed or sent (the
    board, the API, a notice): the callers' numbers in it masked however written, and every mobile
    (`core.phone.mask_numbers`), whoever reads it, as lists mask the callers' numbers; the office
    lines staff quote stay."""
    return mask_numbers(text, citizen=callers)


def notice_shown(notification: Notification) -> str:
    """A notice's message as the inbox shows it (`shown_masked`), a title it says masked with its
    ticket's callers as the list masks that title (a caller's own number in a form no pattern
    knows, "(139)1234-5678", is masked only because it is theirs)."""
    return shown_masked(notification.message, _notice_callers(notification))


def notice_stored(notification: Notification) -> str:
    """A notice's message as stored (`stored_masked`: the API's record, an e-mail, a webhook),
    masked with its ticket's callers as `notice_shown` is."""
    return stored_masked(notification.message, _notice_callers(notification))


def _notice_callers(notification: Notification) -> set[str]:
    ticket = notification.ticket
    return set() if ticket is None else callers_of(ticket.appeals.all())


def _masked_params(text: str, callers: Iterable[str]) -> tuple[str, dict[str, str]] | None:
    found = recognised(text or "")
    if found is None:
        return None
    code, params = found
    for name in _CITIZENS_WORDS:
        if name in params:
            params[name] = mask_numbers(params[name], citizen=callers, citizen_text=True)
    params.update({k: typed_masked(v, callers) for k, v in params.items() if k in ("reason", "note")})
    return code, params
