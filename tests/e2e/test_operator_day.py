"""An operator's day at the console in Chromium: a new call after a call sent back."""

import re

import pytest

from hotline.dedup.indexing import embed_missing
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_page_reloaded_after_a_new_call_does_not_send_the_last_call_again(
    page, live_server, staff, waiting
) -> None:
    # 受理并关联 with the content left empty came back at /console/link/<id>/, the answer of a
    # POST; Alt+N emptied the form but left the page there, and reloading it (a page that looked
    # stuck) sent the last caller's call again: their words back in the form, the ticket chosen.
    operator = staff["operator"]
    operator.set_password("s3cret-pass")
    operator.save()
    embed_missing()
    target = waiting[0]
    sign_in(page, live_server, operator.username, "s3cret-pass", "/console/")
    page.locator("#id_citizen_phone").fill("13812341234")
    page.locator("#id_title").fill("小区门口路灯不亮")
    link = page.locator(f"#console-similar li[data-number='{target.number}'] button.link")
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(rf".*/console/link/{target.pk}/$"))
    page.locator("#console-chosen").wait_for()
    page.keyboard.press("Alt+N")
    assert page.evaluate("() => window.location.pathname") == "/console/"

    page.reload()
    page.locator("#id_citizen_phone").wait_for()
    assert page.url == f"{live_server.url}/console/"
    assert page.locator("#console-chosen").count() == 0
    assert page.locator("#id_title").input_value() == ""
    assert page.locator("#id_citizen_phone").input_value() == ""
