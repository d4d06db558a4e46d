from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hotline.accounts.permissions import action_label
from hotline.core import clock
from hotline.routing.reasons import suggestion_reason
from hotline.web.crowds import crowd_word
from hotline.web.inbox import duration

register = template.Library()


@register.simple_tag
def action_name(action: str) -> str:
    """The button's words for the ticket action `action` (`accounts.permissions.ACTION_NAMES`):
    a button and a refusal of the action name it in the same words."""
    return action_label(action)


@register.filter
def join_names(refs: Iterable[Mapping[str, Any]]) -> str:
    """Names of department references (`{"name": ...}`) joined with the language's separator."""
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("、").join(str(ref["name"]) for ref in refs)


@register.filter
def listed(items: Iterable[Any]) -> str:
    """Words (place names, keywords) joined with the language's separator, as `join_names` names."""
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("、").join(str(item) for item in items)


@register.filter
def clauses(items: Iterable[Any]) -> str:
    """Sentences or clauses joined as the language joins them (a full-width semicolon in Chinese)."""
    # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
    return _("；").join(str(item) for item in items)


# The marks that end a sentence: a text that ends with one needs no full stop of its own.
_SENTENCE_ENDS = ("。", "！", "？", ".", "!", "?")


@register.filter
def sentence(text: str) -> str:
    """`text` (a message, written without a full stop like every refusal) as a sentence that
    another follows at once: ended with the language's full stop and what comes after it."""
    text = str(text).rstrip()
    if not text.endswith(_SENTENCE_ENDS):
        # Translators: the full stop of a sentence that another follows: "。" in Chinese, ". " in
        # English (keep the space after the period).
        return text + pgettext("between sentences", "。")
    # A Western mark needs the space a Chinese one has built in.
    return text if text.endswith(("。", "！", "？")) else text + " "


@register.filter
def crowd(word: str) -> str:
    """A hot spot's crowd (人群) in the reader's language (`web.crowds`)."""
    return crowd_word(word or "")


@register.filter
def reason(suggestion: Mapping[str, Any]) -> str:
    """Why routing suggests a stored suggestion (`RoutingDecision.suggestions`), in the reader's language."""
    return suggestion_reason(suggestion)


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """`mapping[key]`, or None: a dict looked up by a variable key in a template."""
    return mapping.get(key) if mapping else None


@register.filter
def waited(since: datetime | None) -> str:
    """How long since `since` until now, in the one compact form the desks use for a length of time
    (`web.inbox.duration`: "12 小时 21 分钟", "36 天 2 小时"); not Django's `timesince`, whose
    "12 小时，21 分钟" reads as two things."""
    return duration(clock.now() - since) if since is not None else ""
