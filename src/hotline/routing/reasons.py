"""Routing's reasons in words, in the language of whoever reads them.

A suggestion keeps the facts behind it (`Suggestion.basis`: the rule's matches, the history's
counts, the model's name), stored with the decision (`RoutingDecision.suggestions`) and, for an
automatic dispatch, with its `dispatch` line (`details["routed"]`). The queue, the ticket's timeline,
the operator's console and the admin's test console say them here, at display time, so that each
reader reads them in their own language. The words stored beside them (a suggestion's `reason`, the
dispatch's `note`) are in the city's language and stay for the record, and for the rows stored
before the facts were kept, which have nothing else to show.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline.core.enums import SuggestionSource


def percent(probability: float) -> str:
    return f"{probability:.0%}"


def listed(words: Iterable[str]) -> str:
    # Translators: the separator between names in a list (an enumeration comma in Chinese).
    return _("、").join(words)


def _clauses(parts: Iterable[str]) -> str:
    # Translators: the separator between clauses or short sentences (a semicolon in Chinese).
    return _("；").join(parts)


def inferred_category(path: str) -> str:
    """A rule's category standing in for the subcategory of a predicted first-level category."""
    return _("%(category)s（由关键词推定）") % {"category": path}


def _matched(basis: Mapping[str, Any]) -> str:
    """What of a rule matched: its category, its area, the keywords found."""
    parts = []
    if category := basis.get("category"):
        shown = inferred_category(category) if basis.get("inferred") else category
        parts.append(_("分类 %(category)s") % {"category": shown})
    if area := basis.get("area"):
        parts.append(_("属地 %(area)s") % {"area": area})
    if keywords := basis.get("keywords"):
        parts.append(_("关键词 %(keywords)s") % {"keywords": listed(keywords)})
    # Translators: the separator between the parts of one clause (a full-width comma in Chinese).
    return _("，").join(parts)


def suggestion_reason(suggestion: Mapping[str, Any]) -> str:
    """Why routing suggests `suggestion` (`Suggestion.as_dict()`, live or stored), from its facts; a
    suggestion stored before they were kept says its stored words."""
    basis = suggestion.get("basis")
    if not isinstance(basis, Mapping):
        return str(suggestion.get("reason") or "")
    source = suggestion.get("source")
    probability = suggestion.get("probability")
    clauses = []
    if source != SuggestionSource.MODEL and probability is not None:
        # The category model chose the category whose rule or history leads here.
        clauses.append(
            _("分类模型预测“%(label)s”（%(probability)s）")
            % {"label": suggestion.get("label", ""), "probability": percent(probability)}
        )
    if source == SuggestionSource.RULE:
        rule = (suggestion.get("rule") or {}).get("name", "")
        clauses.append(_("权责清单“%(rule)s”：%(matched)s") % {"rule": rule, "matched": _matched(basis)})
        if basis.get("coarse"):
            clauses.append(_("分类只选到一级，规则不能确定承办单位"))
    elif source == SuggestionSource.HISTORY:
        total = int(basis.get("total") or 0)
        clauses.append(_("无适用的权责清单规则"))
        clauses.append(
            ngettext(
                "近 %(days)s 天“%(category)s”类已办结工单 %(total)s 件中 %(share)s 由%(department)s主办",
                "近 %(days)s 天“%(category)s”类已办结工单 %(total)s 件中 %(share)s 由%(department)s主办",
                total,
            )
            % {
                "days": basis.get("days", ""),
                "category": (suggestion.get("category") or {}).get("name", ""),
                "total": total,
                "share": percent(float(basis.get("share") or 0)),
                "department": (suggestion.get("lead") or {}).get("name", ""),
            }
        )
    elif source == SuggestionSource.MODEL:
        clauses.append(
            _("承办单位模型 %(model)s 预测（%(probability)s）")
            % {"model": basis.get("model", ""), "probability": percent(probability or 0.0)}
        )
    if words := [str(t["term"]) for t in suggestion.get("terms") or []]:
        clauses.append(_("主要依据：%(words)s") % {"words": listed(words)})
    return capfirst(_clauses(clauses)) or ""


# What a suggestion keeps for its reason to be told again, e.g. with the dispatch it led to.
REASON_KEYS = ("source", "label", "probability", "rule", "lead", "category", "terms", "basis")


def dispatch_note(routed: Mapping[str, Any]) -> str:
    """The note of an automatic dispatch: how sure routing was, against which threshold, and why
    (`routed`: the confidence, the threshold and the suggestion's `REASON_KEYS`)."""
    return _("自动派单（置信度 %(confidence)s ≥ 阈值 %(threshold)s）：%(reason)s") % {
        "confidence": f"{float(routed['confidence']):.2f}",
        "threshold": f"{float(routed['threshold']):.2f}",
        "reason": suggestion_reason(routed["suggestion"]),
    }
