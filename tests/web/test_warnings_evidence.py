"""A warning's evidence as people read it: times in the city's time in the pages' usual format, and
the appeals behind a hot spot by their tickets' numbers, each a link to its page (the channels' ids
mean nothing to a supervisor). The stored evidence stays as the worker wrote it."""

import re
from datetime import date

import pytest

from hotline.analytics.models import EarlyWarning
from hotline.core import clock
from hotline.core.enums import Channel, WarningKind
from tests.analytics.conftest import at
from tests.factories import EarlyWarningFactory, make_ticket

NOW = at(6, 20, 12)


def hotspot_warning(district, appeals) -> EarlyWarning:
    """A burst of a hot spot's appeals as `record_hotspot` stores it; the first appeal came before."""
    ids = [a.pk for a in appeals]
    return EarlyWarningFactory(
        kind=WarningKind.HOTSPOT,
        subject=f"hotspot:{ids[0]}",
        cell=f"0:{district.pk}",
        area=district,
        title="东城区幸福小区：幸福小区垃圾站臭味严重（24 小时内 2 件，2 人）",
        started_on=date(2025, 6, 2),
        raised_at=at(6, 20, 11),
        observed=2,
        expected=0.04,
        evidence={
            "rule": "day",
            "heat": 5.5,
            "place": "东城区幸福小区",
            "description": "幸福小区垃圾站臭味严重",
            "n_appeals": 3,
            "recent": 2,
            "people": 2,
            "first_time": "2025-06-02T08:05+08:00",
            "last_time": "2025-06-20T10:30+08:00",
            "appeals": ids,
            "external_ids": [a.external_id for a in appeals if a.external_id],
            "raised_by": ids[1:],
            "burst": {
                "hours": 24,
                "appeals": 2,
                "people": 2,
                "before": 1,
                "before_days": 28,
                "list": [
                    {
                        "appeal": ids[1],
                        "external_id": appeals[1].external_id or "",
                        "at": "2025-06-20T01:53+00:00",
                    },
                    {"appeal": ids[2], "external_id": "", "at": "2025-06-20T10:30+08:00"},
                    # An appeal since gone (or never known here) keeps what the evidence says.
                    {"appeal": 999999, "external_id": "GRID-0000999", "at": "2025-06-20T11:00+08:00"},
                ],
            },
        },
    )


@pytest.mark.django_db
def test_a_hot_spots_evidence_names_tickets_and_local_times(client, staff, departments) -> None:
    tickets = [
        make_ticket(
            actor=staff["operator"],
            title=f"垃圾站臭味{i}",
            channel=Channel.GRID,
            external_id=f"GRID-000045{i}" if i < 2 else None,
            phone=f"1381234123{i}",
        )
        for i in range(3)
    ]
    appeals = [t.appeals.get() for t in tickets]
    warning = hotspot_warning(departments["district"], appeals)
    stored = dict(warning.evidence)

    client.force_login(staff["supervisor"])
    with clock.frozen_at(NOW):
        html = client.get("/supervision/warnings/").content.decode()
    evidence = html[html.index('id="warning-') :]
    # No ISO time (2025-06-02T08:05…) — looked for as such: the page's CSRF tokens may hold "T0".
    assert not re.search(r"\d{4}-\d\d-\d\dT\d", evidence)
    assert "+08:00" not in evidence and "+00:00" not in evidence
    assert "2025-06-02 08:05 至 2025-06-20 10:30" in evidence
    # 01:53 UTC is 09:53 in the city; each appeal of the burst by its ticket, linked.
    burst = evidence[evidence.index('class="evidence-burst"') :]
    burst = burst[: burst.index("</ul>")]
    assert f'<a href="/tickets/{tickets[1].number}/">{tickets[1].number}</a>' in burst
    assert f'<a href="/tickets/{tickets[2].number}/">{tickets[2].number}</a>' in burst
    assert "2025-06-20 09:53" in burst and "2025-06-20 10:30" in burst
    assert "GRID-0000451" not in burst
    assert "2025-06-20 11:00" in burst and "GRID-0000999" in burst  # unknown: as stored
    # The hot spot's appeals: the tickets, not the channels' ids.
    assert "渠道编号" not in evidence and "GRID-0000450" not in evidence
    listed = evidence[evidence.index("evidence-appeals") :]
    listed = listed[: listed.index("</p>")]
    for ticket in tickets:
        assert f'<a href="/tickets/{ticket.number}/">{ticket.number}</a>' in listed
    warning.refresh_from_db()
    assert warning.evidence == stored  # shown differently, stored as it was


@pytest.mark.django_db
def test_a_spikes_tickets_show_their_times_in_local_time(client, staff, departments) -> None:
    ticket = make_ticket(actor=staff["operator"])
    EarlyWarningFactory(
        raised_at=at(6, 20, 11),
        evidence={
            "window": ["2025-06-20", "2025-06-20"],
            "days": [["2025-06-20", 9, 1.5]],
            "tickets": [{"ticket": ticket.number, "title": "路灯不亮", "at": "2026-12-03T08:53+08:00"}],
        },
    )
    client.force_login(staff["leader"])
    with clock.frozen_at(NOW):
        html = client.get("/supervision/warnings/").content.decode()
    listed = html[html.index('class="evidence-tickets"') :]
    listed = listed[: listed.index("</ul>")]
    assert f'<a href="/tickets/{ticket.number}/">{ticket.number}</a>' in listed
    assert "2026-12-03 08:53" in listed and "2026-12-03T08:53+08:00" not in listed
