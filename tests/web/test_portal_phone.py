"""The citizen portal and the grid worker's report as a phone meets them: the photo field takes the
types the server takes (an iPhone then sends its HEIC photo as a JPEG) and says the size the page
makes a larger photo fit (web/static/web/photo.js); the name field is filled from the phone's
contact; a ticket's number is found however a phone's keyboard typed it; a search field has the
keyboard's search key."""

import re

import pytest

from tests.factories import make_ticket
from tests.web.grid_setup import community, grid_worker, signed_in  # noqa: F401  (the grid worker)

pytestmark = pytest.mark.django_db

LIMIT = 3 * 1024 * 1024


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.HOTLINE = {
        **settings.HOTLINE,
        "PORTAL": {**settings.HOTLINE["PORTAL"], "PHOTO_MAX_BYTES": LIMIT},
    }


def tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


@pytest.mark.parametrize("path", ["/portal/", "/grid/report/"])
def test_the_photo_field_takes_the_servers_types_and_says_its_limit(client, grid_worker, path) -> None:  # noqa: F811
    client.force_login(grid_worker)
    photo = tag(client.get(path).content.decode(), "photo")
    assert 'type="file"' in photo
    assert 'accept="image/jpeg,image/png"' in photo
    assert f'data-max-bytes="{LIMIT}"' in photo
    assert "请另选一张 3 MB 以内的 JPEG 或 PNG 照片" in photo


def test_the_grid_workers_photo_comes_from_the_camera(signed_in) -> None:  # noqa: F811
    assert 'capture="environment"' in tag(signed_in.get("/grid/report/").content.decode(), "photo")


def test_the_citizens_name_is_filled_from_the_phone(client) -> None:
    assert 'autocomplete="name"' in tag(client.get("/portal/").content.decode(), "name")


def test_the_number_field_opens_the_digits_keyboard(client) -> None:
    assert 'inputmode="numeric"' in tag(client.get("/portal/track/").content.decode(), "number")


FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@pytest.mark.parametrize(
    "typed",
    [
        lambda number: number.replace("-", ""),  # a keyboard of digits has no hyphen
        lambda number: number.replace("-", " "),
        lambda number: f" {number.replace('-', '－')} ",  # a Chinese keyboard's full-width hyphen
        lambda number: number.replace("-", "—"),  # its dash
        lambda number: number.translate(FULL_WIDTH),  # its full-width digits
    ],
    ids=["digits", "space", "full-width-hyphen", "dash", "full-width"],
)
def test_a_number_is_found_however_the_phone_typed_it(client, typed) -> None:
    ticket = make_ticket(phone="13912345678")
    response = client.post("/portal/track/", {"number": typed(ticket.number), "last4": "5678"})
    assert response.status_code == 200, response.content.decode()
    assert ticket.number in response.content.decode()


def test_a_number_with_a_digit_too_few_is_still_refused(client) -> None:
    ticket = make_ticket(phone="13912345678")
    response = client.post("/portal/track/", {"number": ticket.number.replace("-", "")[:-1], "last4": "5678"})
    assert response.status_code == 422
    assert "工单编号形如" in response.content.decode()


@pytest.mark.parametrize("path", ["/qa/", "/grid/reports/"])
def test_a_search_field_has_the_keyboards_search_key(client, grid_worker, path) -> None:  # noqa: F811
    client.force_login(grid_worker)
    field = tag(client.get(path).content.decode(), "q")
    assert 'type="search"' in field and 'enterkeyhint="search"' in field
