"""A citizen's number written in an appeal's title ("回电13912345678 ...", as the web's and the portal's
callers write it) does not reach the leaders through what the analytics make of the titles: a hot
spot's description (the overview, the hot spot's page, the reports and their CSV read it as kept),
an early warning's title and the notices that tell the leaders of it, and the appeals' titles the
warning keeps as its evidence (the supervision board's warnings page). Masked where the text is
made, so that what is kept and sent holds no number."""

from hotline.analytics import early_warning
from hotline.analytics.hotspots import _clean_title
from hotline.analytics.models import EarlyWarning
from hotline.core import clock
from hotline.core.enums import Channel, NotificationReason, WarningKind
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.notifications.models import Notification
from tests.analytics.conftest import at
from tests.analytics.test_early_warning import building, ngram, recent_hotspots  # noqa: F401

TITLE = "回电13912345678 幸福小区垃圾站臭味严重"
MASKED = "回电*** 幸福小区垃圾站臭味严重"
# The number, and pieces of it long enough to say it.
DIGITS = ["13912345678", "1391234", "12345678"]


def _without_number(text: str) -> None:
    for digits in DIGITS:
        assert digits not in text, digits


def post(when, category, area, person: str) -> None:
    with clock.frozen_at(when):
        do_receive_appeal(
            AppealData(
                channel=Channel.WEB,
                title=TITLE,
                content="幸福小区垃圾站臭味严重，夏天气味熏人，请尽快清运。",
                citizen_name=person,
                category_id=category.pk,
                area_id=area.pk,
            ),
            None,
            route=False,
        )


def test_a_description_is_cleaned_of_every_number_before_it_is_cut() -> None:
    assert _clean_title("投诉：" + TITLE + "的问题") == MASKED
    # Cut at 80 characters after the masking: no piece of a number is left at the end.
    assert _clean_title("路" * 75 + "13912345678") == "路" * 75 + "***"
    # Counts, dates and the short service numbers are no one's number.
    assert _clean_title("2025年6月3栋12345热线") == "2025年6月3栋12345热线"


def test_a_hot_spot_and_its_warning_hold_no_number(building, departments, staff, ngram, client) -> None:  # noqa: F811
    street = departments["street"]
    post(at(6, 2, 9), building, street, "居民甲")
    for hour, person in ((9, "居民乙"), (11, "居民丙"), (16, "居民丁")):
        post(at(6, 18, hour), building, street, person)
    now = at(6, 18, 17)
    kept = recent_hotspots(now)
    assert kept is not None
    spot = kept.hotspots[0]
    assert spot.description == MASKED
    early_warning.scan(now, kept)
    # The spike (three people today where none come) and the burst: one warning, both rules.
    warning = EarlyWarning.objects.get()
    assert {f["kind"] for f in warning.findings} == {WarningKind.SPIKE, WarningKind.HOTSPOT}
    hotspot = next(f for f in warning.findings if f["kind"] == WarningKind.HOTSPOT)
    assert MASKED in hotspot["title"] and hotspot["evidence"]["description"] == MASKED
    spike = next(f for f in warning.findings if f["kind"] == WarningKind.SPIKE)
    assert [t["title"] for t in spike["evidence"]["tickets"]] == [MASKED] * 3
    _without_number(str(warning.title))
    _without_number(str(warning.evidence))
    told = list(Notification.objects.filter(reason=NotificationReason.EARLY_WARNING))
    assert told and any(MASKED in n.message for n in told)
    for notice in told:
        _without_number(notice.message)
    # The warnings page shows the evidence: the appeals' titles, the hot spot's description.
    for role in ("supervisor", "leader"):
        client.force_login(staff[role])
        with clock.frozen_at(now):
            html = client.get("/supervision/warnings/").content.decode()
        assert f'id="warning-{warning.pk}"' in html and MASKED in html
        _without_number(html)
