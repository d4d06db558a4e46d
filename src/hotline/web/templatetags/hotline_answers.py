"""Template filters of the answers' pages: the reply-quality check's criteria and reasons by name."""

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from hotline.feedback.quality import CRITERIA, CRITERION_NAMES, elements, sentences

register = template.Library()


@register.filter
def criterion(name: str) -> str:
    """相关性, 完整性, 可解释性 for relevance, completeness, interpretability."""
    return _(CRITERION_NAMES[name]) if name in CRITERION_NAMES else name


@register.filter
def quality_scores(check: Any) -> list[tuple[str, float]]:
    """A check's three scores in their order, as (name, score), from the model or the API's schema."""
    return [(criterion(name), float(getattr(check, name))) for name in CRITERIA]


@register.filter
def quality_summary(check: Any) -> str:
    """A check's three scores in one line ("相关性 0.74 · 完整性 0.23 · 可解释性 0.27"), for a
    sentence of the page's to hold whole."""
    return " · ".join(f"{name} {floatformat(score, 2)}" for name, score in quality_scores(check))


@register.filter
def reason_sentences(reasons: Any) -> list[tuple[str, list[str]]]:
    """A check's reasons, kept as codes, as (criterion, sentences) in the reader's language."""
    return list(sentences(reasons).items())


@register.filter
def reply_elements(text: str) -> list[tuple[str, bool]]:
    """The six elements of a reply's text, each with whether it is there (`quality.elements`)."""
    return elements(text or "")
