"""A PNG over the server's limit with transparent parts (a screenshot, a picture with a cut-out
background) is drawn again as a JPEG, which has no transparency: its transparent parts are white,
as the page showed them, and not black, which hid what the photo showed on them."""

import base64
import io

import pytest
from PIL import Image

from hotline.intake.models import Appeal, Attachment
from tests.e2e.test_grid import phone
from tests.e2e.test_phone_photos import LIMIT, _small_limit_no_routing  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# A PNG of `w`x`h` pixels: its left half transparent, its right half opaque noise (more than the
# limit, which PNG cannot squeeze); its bytes in base64.
HALF_TRANSPARENT_PNG = """async ([w, h]) => {
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext("2d");
  const image = context.createImageData(w, h);
  for (let i = 0; i < image.data.length; i += 4) {
    const opaque = (i / 4) % w >= w / 2;
    for (let c = 0; c < 3; c++) image.data[i + c] = opaque ? (Math.random() * 256) | 0 : 0;
    image.data[i + 3] = opaque ? 255 : 0;
  }
  context.putImageData(image, 0, 0);
  const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}"""


def test_a_large_pngs_transparent_parts_are_white_in_the_jpeg(browser, live_server) -> None:
    context, page = phone(browser)
    try:
        page.goto(f"{live_server.url}/portal/")
        png = base64.b64decode(page.evaluate(HALF_TRANSPARENT_PNG, [1200, 900]))
        assert len(png) > LIMIT
        page.fill("#id_title", "小区门口路灯不亮")
        page.fill("#id_content", "幸福路12号门口的路灯连续三晚不亮，老人夜里出行不便。")
        page.fill("#id_phone", "13912345678")
        page.set_input_files(
            "#id_photo", files=[{"name": "截图.png", "mimeType": "image/png", "buffer": png}]
        )
        page.locator("#id_photo ~ .photo-status").filter(has_text="照片已压缩").wait_for()
        page.get_by_role("button", name="提交").click()
        page.locator("#ticket-number").wait_for()
        number = page.locator("#ticket-number").inner_text().strip()
    finally:
        context.close()
    attachment = Attachment.objects.get(appeal=Appeal.objects.get(ticket__number=number))
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read())).convert("RGB")
    # The middle of the left half, once transparent.
    r, g, b = image.getpixel((image.width // 4, image.height // 2))
    assert min(r, g, b) > 230, (r, g, b)
