"""/grid/report/: a phone location far outside the city (a wrong fix, a phone set to another place)
is not stored as the report's point: it counts as no location, so the worker is asked for the place
typed, keeping what they wrote and their photo. The city's extent is what its areas' boundaries in
the gazetteer (地名库) cover, with a margin; a city that has recorded none takes every point."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.directory.models import Place
from hotline.intake.models import Appeal, Attachment
from hotline.tickets.models import Ticket
from tests.web.grid_setup import JPEG, grid_report

pytestmark = pytest.mark.django_db

FAR = "手机定位不在本市范围内：请填写地点"
# The district: a box round central Shanghai, [longitude, latitude] as the gazetteer keeps it.
DISTRICT = [[[121.40, 31.15], [121.55, 31.15], [121.55, 31.30], [121.40, 31.30]]]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bounded(departments):
    Place.objects.create(department=departments["district"], boundary=DISTRICT)


@pytest.fixture
def worker(signed_in):
    return signed_in


def test_a_point_thousands_of_km_away_asks_for_the_place_and_keeps_the_form(worker, bounded) -> None:
    photo = SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")
    refused = grid_report(worker, latitude="40.7128", longitude="-74.0060", photo=photo)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert FAR in page
    assert not Ticket.objects.exists()
    assert "人行道井盖破损" in page  # what was typed stays
    kept = re.search(r'name="pending_photo" value="([0-9a-f]{32})"', page)
    assert kept, "the photo is kept"
    taken = grid_report(
        worker, latitude="40.7128", longitude="-74.0060", address="幸福路12号", pending_photo=kept.group(1)
    )
    assert taken.status_code == 200
    appeal = Appeal.objects.get()
    assert (appeal.address, appeal.latitude, appeal.longitude) == ("幸福路12号", None, None)
    assert Attachment.objects.filter(appeal=appeal).count() == 1


def test_a_far_point_with_a_place_typed_is_taken_without_the_point(worker, bounded) -> None:
    response = grid_report(worker, latitude="39.9042", longitude="116.4074", address="幸福路12号")
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    assert (appeal.address, appeal.latitude, appeal.longitude) == ("幸福路12号", None, None)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("31.230416", "121.473701"), ("31.33", "121.47")],  # inside; a few km beyond the edge
)
def test_a_point_in_the_city_or_near_its_edge_is_stored(worker, bounded, latitude, longitude) -> None:
    assert grid_report(worker, latitude=latitude, longitude=longitude).status_code == 200
    appeal = Appeal.objects.get()
    assert (appeal.latitude, appeal.longitude) == (float(latitude), float(longitude))


def test_without_a_boundary_on_record_every_point_is_taken(worker) -> None:
    assert grid_report(worker, latitude="40.7128", longitude="-74.0060").status_code == 200
    assert Appeal.objects.get().latitude == 40.7128
