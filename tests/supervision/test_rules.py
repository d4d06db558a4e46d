"""The escalation rules are configuration, checked when loaded."""

from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from hotline.core.enums import SupervisionKind
from hotline.supervision.rules import load


def test_the_defaults():
    rules = load()

    assert rules.due_soon_percents == (50, 80)
    assert rules.daily_reminder_at == time(9, 0)
    assert rules.escalation == (
        (SupervisionKind.REMINDER, 0),
        (SupervisionKind.ORDER, 1),
        (SupervisionKind.LISTING, 3),
        (SupervisionKind.ELEVATION, 5),
    )
    assert (rules.repeat_count, rules.repeat_window_days, rules.returns_for_order) == (3, 30, 2)


def test_settings_then_overrides(settings):
    settings.HOTLINE_SUPERVISION = {"REPEAT_COUNT": 4, "ESCALATION_WORKDAYS": {"order": 2}}

    rules = load({"DUE_SOON_PERCENTS": [80, 50, 80]})

    assert rules.repeat_count == 4
    assert dict(rules.escalation)[SupervisionKind.ORDER] == 2
    assert rules.due_soon_percents == (50, 80)


@pytest.mark.parametrize(
    "bad",
    [
        {"NO_SUCH_RULE": 1},
        {"DUE_SOON_PERCENTS": [0]},
        {"DUE_SOON_PERCENTS": [100]},
        {"DAILY_REMINDER_AT": "nine"},
        {"ESCALATION_WORKDAYS": {"shout": 1}},
        {"ESCALATION_WORKDAYS": {"order": -1}},
        {"ESCALATION_WORKDAYS": {"listing": 0}},  # before the order (1)
        {"REPEAT_COUNT": 1},
        {"REPEAT_WINDOW_DAYS": "30"},
        {"BATCH_SIZE": True},
    ],
)
def test_bad_configuration_is_refused_clearly(bad):
    with pytest.raises(ImproperlyConfigured, match="HOTLINE_SUPERVISION"):
        load(bad)
