"""A place's repetition is named by the address a caller gave, numbers and all; the repetitions
page and the ticket page mask them (`Repetition.label_shown`, 47ffa4d). So must the API's list and
the message that confirms a review on the page the reviewer is sent back to."""

from datetime import timedelta

import pytest

from hotline.core import clock
from hotline.core.enums import Channel, RepetitionKind
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.supervision.models import Repetition
from hotline.supervision.repetition import refresh_repetitions
from tests.web.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

ADDRESS = "西山路8号 联系13912345678"


def _place() -> Repetition:
    for i in range(3):
        with clock.frozen_at(NOW - timedelta(days=3 - i)):
            do_receive_appeal(
                AppealData(
                    channel=Channel.WEB,
                    title=f"噪音扰民{i}",
                    content="楼下商铺深夜噪音。",
                    citizen_name="王女士",
                    citizen_phone=f"1370000000{i}",
                    address=ADDRESS,
                ),
                None,
            )
    refresh_repetitions()
    place = Repetition.objects.get(kind=RepetitionKind.PLACE)
    assert "13912345678" in place.label  # kept as the caller gave it
    return place


def test_the_apis_repetitions_name_a_place_masked(client, staff) -> None:
    place = _place()
    client.force_login(staff["leader"])
    listed = client.get("/api/v1/repetitions", {"kind": "place"})
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert row["id"] == place.pk and row["label"] == "西山路8号 联系***"


def test_a_reviews_message_names_the_place_masked(client, staff) -> None:
    place = _place()
    client.force_login(staff["supervisor"])
    done = client.post(
        f"/supervision/repetitions/{place.pk}/review/",
        {"outcome": "other_place", "next": "/supervision/repetitions/"},
    )
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "重复诉求预警“西山路8号 联系***”：不是同一地点" in page
    assert "13912345678" not in page
