"""The console's one-time token in Chromium: Alt+N (a new call) gives the form a new token, so that a
call typed after one whose answer never came back is a ticket of its own, not taken for the same
sending (web/console.py)."""

import re

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r"[0-9a-f]{32}")


def test_a_new_call_has_a_new_token(page, live_server, staff) -> None:
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    token = page.locator("#console-form input[name=token]")
    first = token.input_value()
    assert TOKEN.fullmatch(first)
    page.keyboard.press("Alt+N")
    second = token.input_value()
    assert TOKEN.fullmatch(second) and second != first
