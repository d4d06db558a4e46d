"""A photo straight from a phone's camera (6-12 MB, more than the server takes) in Chromium on a
phone's screen: the page makes it small enough before it is sent, so that the citizen's appeal and
the grid worker's report are taken with it, rather than sent back with 照片不能超过 5 MB, which a
phone gives its owner no way to mend."""

import base64
import io

import pytest
from PIL import Image

from hotline.intake.models import Appeal, Attachment
from tests.e2e.conftest import csp_violations, sign_in
from tests.e2e.test_grid import grid_worker, phone  # noqa: F401  (the grid worker, the phone's screen)

pytestmark = pytest.mark.django_db(transaction=True)

# The server's limit in these tests: small, so that the camera's photo below is quick to make.
LIMIT = 1024 * 1024
HERE = {"latitude": 31.230416, "longitude": 121.473701, "accuracy": 12}

# A photo drawn by the browser itself: `w`x`h` pixels of noise (which neither JPEG nor PNG can
# squeeze, as a detailed scene), of `type` (a camera's JPEG; a screenshot's PNG), with `clear` its
# left half transparent; its bytes in base64.
DRAWN_PHOTO = """async ([w, h, type, clear]) => {
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext("2d");
  const image = context.createImageData(w, h);
  for (let i = 0; i < image.data.length; i += 4) {
    const transparent = clear && (i / 4) % w < w / 2;
    for (let c = 0; c < 3; c++) image.data[i + c] = transparent ? 0 : (Math.random() * 256) | 0;
    image.data[i + 3] = transparent ? 0 : 255;
  }
  context.putImageData(image, 0, 0);
  const blob = await new Promise((done) => canvas.toBlob(done, type, 0.95));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}"""


@pytest.fixture(autouse=True)
def _small_limit_no_routing(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "PORTAL": {**settings.HOTLINE["PORTAL"], "PHOTO_MAX_BYTES": LIMIT},
        "ROUTING": {**settings.HOTLINE["ROUTING"], "ROUTER": "hotline.tickets.router.NullRouter"},
    }


def camera_photo(page, *, screenshot: bool = False) -> bytes:
    """A camera's JPEG over the limit; with `screenshot`, a PNG whose left half is transparent."""
    size, kind = ([1200, 900], "image/png") if screenshot else ([2400, 1800], "image/jpeg")
    photo = base64.b64decode(page.evaluate(DRAWN_PHOTO, [*size, kind, screenshot]))
    assert len(photo) > LIMIT
    return photo


def choose(page, photo: bytes, wait: bool = True, *, kind: str = "image/jpeg") -> None:
    name = "截图.png" if kind == "image/png" else "IMG_20261206_093012.jpg"
    page.set_input_files("#id_photo", files=[{"name": name, "mimeType": kind, "buffer": photo}])
    if wait:
        page.locator("#id_photo ~ .photo-status").filter(has_text="照片已压缩").wait_for()


def the_photo_of(appeal: Appeal) -> Attachment:
    attachment = Attachment.objects.get(appeal=appeal)
    assert attachment.content_type == "image/jpeg"
    assert attachment.size <= LIMIT
    with attachment.file.open("rb") as stored:
        assert stored.read(3) == b"\xff\xd8\xff"
    return attachment


def test_a_citizens_camera_photo_is_made_small_enough_to_send(browser, live_server) -> None:
    context, page = phone(browser)
    violations = csp_violations(page)
    try:
        page.goto(f"{live_server.url}/portal/")
        page.fill("#id_title", "小区门口路灯不亮")
        page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
        page.fill("#id_phone", "13912345678")
        # Sent at once, while the page is still making the photo smaller: the form waits for it.
        choose(page, camera_photo(page), wait=False)
        page.get_by_role("button", name="提交").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
        the_photo_of(Appeal.objects.get(ticket__number=number))
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_a_grid_workers_camera_photo_is_made_small_enough_to_send(browser, live_server, grid_worker) -> None:  # noqa: F811
    context, page = phone(browser, geolocation=HERE, permissions=["geolocation"])
    violations = csp_violations(page)
    try:
        sign_in(page, live_server, "grid1", "pass-1234", "/grid/report/")
        page.fill("#id_title", "人行道井盖破损")
        page.fill("#id_content", "幸福路 12 号门前人行道井盖破损，已有行人绊倒。")
        choose(page, camera_photo(page))
        page.get_by_role("button", name="上报").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
        the_photo_of(Appeal.objects.get(ticket__number=number))
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_a_photo_the_browser_cannot_read_is_said_at_once(browser, live_server) -> None:
    """An iPhone's HEIC photo in a browser that cannot draw it (Chromium): the field says to choose
    another at once, rather than after the form went up and came back."""
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/portal/")
        heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(2000)
        page.set_input_files(
            "#id_photo", files=[{"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": heic}]
        )
        status = page.locator("#id_photo ~ .photo-status.error")
        status.wait_for()
        assert "JPEG 或 PNG" in status.inner_text()
        assert page.get_by_role("button", name="提交").is_enabled()
    finally:
        context.close()


def test_a_large_pngs_transparent_parts_are_white_in_the_jpeg(browser, live_server) -> None:
    """A screenshot or a picture with a cut-out background over the limit is drawn again as a JPEG,
    which has no transparency: its transparent parts are white, as the page showed them, not black,
    which hid what the photo showed on them."""
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/portal/")
        page.fill("#id_title", "小区门口路灯不亮")
        page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
        page.fill("#id_phone", "13912345678")
        choose(page, camera_photo(page, screenshot=True), kind="image/png")
        page.get_by_role("button", name="提交").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
    finally:
        context.close()
    attachment = the_photo_of(Appeal.objects.get(ticket__number=number))
    with attachment.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read())).convert("RGB")
    # The middle of the left half, once transparent.
    r, g, b = image.getpixel((image.width // 4, image.height // 2))
    assert min(r, g, b) > 230, (r, g, b)
