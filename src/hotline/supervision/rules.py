"""The escalation rules the sweep applies, as configuration.

A city changes them with `HOTLINE_SUPERVISION` in its settings (a dict; keys it leaves out keep the
defaults below). Why settings and not a table edited in the admin: see docs/adr/0003-supervision.md.

    DUE_SOON_PERCENTS      remind at these shares of the handling time (only the highest one passed)
    DAILY_REMINDER_AT      "HH:MM" local; each working day from then on, one digest per department
                           with open assignments (每日一提醒); None turns it off
    ESCALATION_WORKDAYS    working days past the handling deadline for each step of the ladder
                           催办 -> 督办 -> 挂牌督办 -> 提级办理; 0 = as soon as it is overdue; None skips
                           the step. Steps must not come earlier than the steps below them.
    REPEAT_COUNT           appellants of one problem or at one address, or appeals of one citizen
                           (supervision.repetition) ...
    REPEAT_WINDOW_DAYS     ... within this many days raise a repetition, which opens a supervision
                           order once a department handles one of its tickets
    RETURNS_FOR_ORDER      returns (退单) of one ticket that open a supervision order
    RETURNS_LOOKBACK_DAYS  only tickets with a return this recent are counted (keeps the query small)
    BATCH_SIZE             rows per INSERT
"""

from dataclasses import dataclass
from datetime import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hotline.core.enums import ESCALATION_LADDER, SupervisionKind

DEFAULTS: dict[str, Any] = {
    "DUE_SOON_PERCENTS": [50, 80],
    "DAILY_REMINDER_AT": "09:00",
    "ESCALATION_WORKDAYS": {
        SupervisionKind.REMINDER.value: 0,
        SupervisionKind.ORDER.value: 1,
        SupervisionKind.LISTING.value: 3,
        SupervisionKind.ELEVATION.value: 5,
    },
    "REPEAT_COUNT": 3,
    "REPEAT_WINDOW_DAYS": 30,
    "RETURNS_FOR_ORDER": 2,
    "RETURNS_LOOKBACK_DAYS": 30,
    "BATCH_SIZE": 2000,
}


@dataclass(frozen=True)
class Rules:
    due_soon_percents: tuple[int, ...]
    daily_reminder_at: time | None
    # (step, working days past the deadline), lowest step first; disabled steps left out.
    escalation: tuple[tuple[SupervisionKind, int], ...]
    repeat_count: int
    repeat_window_days: int
    returns_for_order: int
    returns_lookback_days: int
    batch_size: int


def _int(config: dict[str, Any], key: str, minimum: int) -> int:
    value = config[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ImproperlyConfigured(
            f"HOTLINE_SUPERVISION[{key!r}] must be an integer >= {minimum}, not {value!r}"
        )
    return value


def _daily_at(value: Any) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ImproperlyConfigured(
            f"HOTLINE_SUPERVISION['DAILY_REMINDER_AT'] must be 'HH:MM' or None, not {value!r}"
        ) from None


def load(overrides: dict[str, Any] | None = None) -> Rules:
    """The rules in force: defaults, then settings.HOTLINE_SUPERVISION, then `overrides`."""
    config = dict(DEFAULTS)
    for layer in (getattr(settings, "HOTLINE_SUPERVISION", None) or {}, overrides or {}):
        unknown = set(layer) - set(DEFAULTS)
        if unknown:
            raise ImproperlyConfigured(f"HOTLINE_SUPERVISION: unknown keys {sorted(unknown)}")
        config.update(layer)

    percents = config["DUE_SOON_PERCENTS"] or []
    if any(not isinstance(p, int) or isinstance(p, bool) or not 0 < p < 100 for p in percents):
        raise ImproperlyConfigured(
            "HOTLINE_SUPERVISION['DUE_SOON_PERCENTS'] must be integers between 1 and 99"
        )

    steps = {**DEFAULTS["ESCALATION_WORKDAYS"], **(config["ESCALATION_WORKDAYS"] or {})}
    unknown_steps = set(steps) - {k.value for k in ESCALATION_LADDER}
    if unknown_steps:
        raise ImproperlyConfigured(
            f"HOTLINE_SUPERVISION['ESCALATION_WORKDAYS']: unknown steps {unknown_steps}"
        )
    escalation: list[tuple[SupervisionKind, int]] = []
    for kind in ESCALATION_LADDER:
        days = steps.get(kind.value)
        if days is None:
            continue
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ImproperlyConfigured(
                f"HOTLINE_SUPERVISION['ESCALATION_WORKDAYS'][{kind.value!r}] must be an integer >= 0 or None"
            )
        if escalation and days < escalation[-1][1]:
            raise ImproperlyConfigured(
                f"HOTLINE_SUPERVISION['ESCALATION_WORKDAYS']: {kind.value} ({days}) comes before "
                f"{escalation[-1][0].value} ({escalation[-1][1]})"
            )
        escalation.append((kind, days))

    return Rules(
        due_soon_percents=tuple(sorted(set(percents))),
        daily_reminder_at=_daily_at(config["DAILY_REMINDER_AT"]),
        escalation=tuple(escalation),
        repeat_count=_int(config, "REPEAT_COUNT", 2),
        repeat_window_days=_int(config, "REPEAT_WINDOW_DAYS", 1),
        returns_for_order=_int(config, "RETURNS_FOR_ORDER", 1),
        returns_lookback_days=_int(config, "RETURNS_LOOKBACK_DAYS", 1),
        batch_size=_int(config, "BATCH_SIZE", 1),
    )
