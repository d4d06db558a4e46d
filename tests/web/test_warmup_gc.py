"""The warm-up freezes what it loaded out of the garbage collector's full passes (web/warmup.py)."""

import gc

import pytest

from hotline.web.warmup import warm_up


@pytest.mark.django_db
def test_the_warm_up_freezes_the_heap() -> None:
    gc.unfreeze()
    try:
        warm_up()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the other tests run with an ordinary collector
