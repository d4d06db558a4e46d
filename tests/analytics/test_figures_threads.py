"""The recount's months counted side by side on PostgreSQL (HOTLINE_FIGURES_THREADS), each on a
connection of its own thread, keep exactly the figures of the months counted one after the other."""

import threading
from datetime import date

import pytest
from django.db import connection

from hotline.analytics import facts, figures
from hotline.analytics.models import DailyFigure, FigureDay
from hotline.core import clock
from tests.analytics.test_ranking_spans import NOW, history  # noqa: F401  (the fixture)

# The other threads read what is committed: the history is.
pytestmark = pytest.mark.django_db(transaction=True)


def kept() -> list[tuple]:
    return sorted(DailyFigure.objects.values_list("day_id", "dimension", "key", *facts.MEASURES))


def test_months_side_by_side_keep_what_one_after_the_other_keeps(history, monkeypatch) -> None:  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite counts the months one after the other")
    counted_in: set[str] = set()
    count = facts.count_facts

    def recording(period):
        counted_in.add(threading.current_thread().name)
        return count(period)

    monkeypatch.setattr(figures, "count_facts", recording)
    with clock.frozen_at(NOW):
        days = figures.recount(date(2024, 12, 1), date(2025, 4, 10), threads=1)
        alone = kept()
        assert counted_in == {threading.current_thread().name}
        counted_in.clear()
        assert figures.recount(date(2024, 12, 1), date(2025, 4, 10), threads=2) == days == 131
    assert len(counted_in) == 2 and all(name.startswith("recount") for name in counted_in)
    assert kept() == alone and len(alone) > 20
    assert FigureDay.objects.count() == 131
