from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock
from hotline.core.enums import Channel, Urgency
from hotline.directory.models import Responsibility, ResponsibilityCoHandler
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.routing.actions import do_route_ticket
from hotline.routing.models import RoutingSettings
from hotline.tickets.actions import do_dispatch_ticket, do_return_assignment
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory
from tests.light_dedup import light_dedup
from tests.web.grid_setup import community, grid_worker, signed_in  # noqa: F401  (the grid pages' fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday morning with ordinary working days around it (no holiday the week before or after).
NOW = datetime(2025, 6, 11, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _dedup_light(settings, tmp_path) -> Iterator[None]:
    """Duplicate search with character n-grams (no model to load), its index under the test's own
    HOTLINE_HOME, and no process-wide index left from another test (its vectors were rolled back)."""
    with light_dedup(settings, tmp_path):
        yield


@pytest.fixture
def at_now() -> Iterator[datetime]:
    """The pages and the actions read the clock in the test's thread: stop it at NOW."""
    with clock.frozen_at(NOW):
        yield NOW


@pytest.fixture
def waiting(staff, departments) -> list[Ticket]:
    """Two tickets routed to the dispatcher's queue (automatic dispatch off), the urgent one second.

    The operator filed both under 城乡建设/市政设施, whose rule names the housing bureau as lead and
    the water bureau as co-handler, so routing suggests exactly that.
    """
    root = CategoryFactory(code="01", name="城乡建设", level=1)
    sub = CategoryFactory(code="0101", name="市政设施", level=2, parent=root)
    rule = Responsibility.objects.create(
        name="市政设施归口", category=root, lead_department=departments["housing"]
    )
    ResponsibilityCoHandler.objects.create(responsibility=rule, department=departments["water"])
    RoutingSettings.objects.create(auto_dispatch=False, threshold=0.9)
    tickets = []
    for title, urgency in (("小区门口路灯不亮", Urgency.NORMAL), ("路面塌陷", Urgency.URGENT)):
        ticket, _created = do_receive_appeal(
            AppealData(
                channel=Channel.PHONE,
                title=title,
                content=f"幸福路12号{title}，请尽快处理。",
                citizen_name="张先生",
                citizen_phone="13812341234",
                address="幸福路12号",
                urgency=urgency,
                category_id=sub.pk,
            ),
            staff["operator"],
        )
        do_route_ticket(ticket.pk)
        tickets.append(ticket)
    return tickets


@pytest.fixture
def returned(staff, departments, waiting) -> Ticket:
    """The first waiting ticket dispatched to housing (lead) and water (co), then returned by housing."""
    ticket = do_dispatch_ticket(
        waiting[0],
        staff["dispatcher"],
        lead_department_id=departments["housing"].pk,
        co_department_ids=[departments["water"].pk],
    )
    return do_return_assignment(ticket, staff["housing"], reason="路灯归街道管理，不属于本局职责")
