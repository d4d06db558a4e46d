"""The phone photo's shrinking (web/static/web/photo.js): a photo chosen again while
the one before is being made smaller."""

import base64

import pytest

from hotline.intake.models import Attachment
from tests.e2e.test_grid import phone
from tests.e2e.test_phone_photos import DRAWN_PHOTO

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_photo_chosen_again_while_the_first_shrinks_is_the_one_sent(browser, live_server, settings):
    """A citizen chooses a camera's photo (over the limit: the page starts making it smaller), then,
    at once, another one (small enough as it is). The appeal goes with the photo chosen last, not
    with the first one made smaller after it was replaced."""
    limit = 1024 * 1024
    settings.HOTLINE = {
        **settings.HOTLINE,
        "PORTAL": {**settings.HOTLINE["PORTAL"], "PHOTO_MAX_BYTES": limit},
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/portal/")
        large = base64.b64decode(page.evaluate(DRAWN_PHOTO, [3000, 2200, "image/jpeg", False]))
        small = base64.b64decode(page.evaluate(DRAWN_PHOTO, [300, 200, "image/jpeg", False]))
        assert len(large) > limit > len(small)
        page.fill("#id_title", "小区门口路灯不亮")
        page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
        page.fill("#id_phone", "13912345678")
        files = [{"name": "first.jpg", "mimeType": "image/jpeg", "buffer": large}]
        page.set_input_files("#id_photo", files=files)
        page.set_input_files(
            "#id_photo", files=[{"name": "second.jpg", "mimeType": "image/jpeg", "buffer": small}]
        )
        page.get_by_role("button", name="提交").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
    finally:
        context.close()
    attachment = Attachment.objects.get(appeal__ticket__number=number)
    with attachment.file.open("rb") as stored:
        assert stored.read() == small, attachment.size
