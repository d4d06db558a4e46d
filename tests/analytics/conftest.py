"""A small hand-built June 2025 in Shanghai, every step a real action at a set time.

    t10  06-01 00:30  new                                   (the first minutes of June, local)
    t1   06-10 10:00  dispatched, answered, replied on time, satisfied and resolved, closed
    t2   06-11 10:00  dispatched, replied 06-25 (late), called back 06-26: basically satisfied, partly
    t3   06-12 10:00  dispatched to 住建局 (lead) and 水务局 (co), never signed: both overdue by 06-20
    t4   06-13 10:00  a consultation answered on the spot
    t5   06-14 10:00  new; t6 (06-14 11:00, dispatched) merged into it on 06-15
    t7   06-14 12:00  invalid (confirmed on 06-14)
    t11  06-15 10:00  replied 06-16, unsatisfied and unresolved on 06-19: reopened (due again 06-24)
    t9   06-30 23:59  new                                   (the last minute of June, local)
    t8   05-31 23:59  new                                   (May's last minute: not June's)

Categories: t1, t2 under 城乡建设/市政设施 (second level), t3 under 城乡建设, t4 under 教育; areas:
t1, t2 in 和平街道 (under 东城区), t3 in 东城区 itself, t4 in 西城区.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotline.accounts.models import User
from hotline.analytics.models import Hotspot, HotspotSet
from hotline.core import clock
from hotline.core.enums import Channel, Kind, Resolution, Satisfaction
from hotline.directory.models import Department, Place
from hotline.feedback import actions as feedback
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.tickets import actions
from hotline.tickets.models import Ticket
from tests.factories import CategoryFactory, DepartmentFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def kept_hotspots(scope: str, since: datetime, until: datetime, area: Department) -> HotspotSet:
    """The worker's hot spots of a period as the pages read them: one, at 幸福小区 in `area`, whose
    crowd is 居民 (4 people, 5 appeals)."""
    kept = HotspotSet.objects.create(
        scope=scope, since=since, until=until, made_at=at(6, 20, 11), model="ngram1024"
    )
    Hotspot.objects.create(
        set=kept,
        rank=1,
        heat=9.02,
        first_time=at(6, 3),
        last_time=at(6, 20),
        place="东城区幸福小区",
        crowd="居民",
        people=4,
        description="幸福小区垃圾站臭味严重",
        n_appeals=5,
        area=area,
    )
    return kept


@dataclass
class June:
    tickets: dict[str, Ticket]
    west: Department


@pytest.fixture
def june(staff: dict[str, User], departments: dict[str, Department]) -> June:
    root = CategoryFactory(code="01", name="城乡建设", level=1)
    sub = CategoryFactory(code="0101", name="市政设施", level=2, parent=root)
    school = CategoryFactory(code="02", name="教育", level=1)
    west = DepartmentFactory(code="D02", name="西城区", level="district", is_area=True)
    Place.objects.create(
        department=departments["district"], boundary=[[[120, 30], [120.1, 30], [120.1, 30.1]]]
    )
    Place.objects.create(department=west, boundary=[[[120.1, 30], [120.2, 30], [120.2, 30.1], [120.1, 30]]])
    Place.objects.create(department=departments["street"], boundary=[[[120, 30], [120.05, 30], [120, 30.05]]])
    operator, dispatcher = staff["operator"], staff["dispatcher"]

    def receive(when: datetime, **fields: Any) -> Ticket:
        with clock.frozen_at(when):
            ticket, _created = do_receive_appeal(
                AppealData(
                    channel=Channel.PHONE,
                    title="路灯不亮",
                    content="幸福路12号路灯不亮。",
                    citizen_name="张先生",
                    citizen_phone="13812341234",
                    **fields,
                ),
                operator,
            )
        return ticket

    def handle(ticket: Ticket, when: datetime, *, co: bool = True) -> Ticket:
        with clock.frozen_at(when):
            ticket = actions.do_dispatch_ticket(
                ticket,
                dispatcher,
                lead_department_id=departments["housing"].pk,
                co_department_ids=[departments["water"].pk] if co else [],
            )
            ticket = actions.do_accept_assignment(ticket, staff["housing"])
        return ticket

    def reply(ticket: Ticket, when: datetime) -> Ticket:
        with clock.frozen_at(when):
            return feedback.do_reply_ticket(ticket, staff["housing"], text="已修复。")

    def call(ticket: Ticket, when: datetime, resolution: str, satisfaction: str) -> Ticket:
        with clock.frozen_at(when):
            return feedback.do_record_callback(
                ticket, operator, resolution=resolution, satisfaction=satisfaction
            )

    street, district = departments["street"].pk, departments["district"].pk
    t: dict[str, Ticket] = {}
    t["t10"] = receive(at(6, 1, 0, 30))
    t["t1"] = handle(receive(at(6, 10), category_id=sub.pk, area_id=street), at(6, 10), co=False)
    t["t1"] = call(reply(t["t1"], at(6, 10, 11)), at(6, 10, 15), Resolution.RESOLVED, Satisfaction.SATISFIED)
    with clock.frozen_at(at(6, 10, 16)):
        t["t1"] = feedback.do_close_ticket(t["t1"], operator)
    t["t2"] = handle(receive(at(6, 11), category_id=sub.pk, area_id=street), at(6, 11), co=False)
    t["t2"] = call(reply(t["t2"], at(6, 25)), at(6, 26), Resolution.PARTLY, Satisfaction.BASICALLY)
    t3 = receive(at(6, 12), category_id=root.pk, area_id=district)
    with clock.frozen_at(at(6, 12)):
        t["t3"] = actions.do_dispatch_ticket(
            t3,
            dispatcher,
            lead_department_id=departments["housing"].pk,
            co_department_ids=[departments["water"].pk],
        )
    t4 = receive(at(6, 13), category_id=school.pk, area_id=west.pk, kind=Kind.CONSULTATION)
    with clock.frozen_at(at(6, 13, 10, 5)):
        t["t4"] = feedback.do_answer_on_spot(t4, operator, text="工作日9点至17点。")
    t["t5"] = receive(at(6, 14))
    t6 = receive(at(6, 14, 11), area_id=street)
    with clock.frozen_at(at(6, 14, 11)):
        t6 = actions.do_dispatch_ticket(t6, dispatcher, lead_department_id=departments["housing"].pk)
    with clock.frozen_at(at(6, 15)):
        t["t6"] = actions.do_merge_ticket(t6, operator, into_ticket_id=t["t5"].pk)
    t7 = receive(at(6, 14, 12), area_id=street)
    with clock.frozen_at(at(6, 14, 12)):
        t7 = actions.do_request_invalidation(t7, operator, reason="恶意骚扰电话")
        t["t7"] = actions.do_confirm_invalidation(t7, staff["supervisor"], confirm=True)
    t["t11"] = handle(receive(at(6, 15), area_id=west.pk), at(6, 15), co=False)
    t["t11"] = call(reply(t["t11"], at(6, 16)), at(6, 19), Resolution.UNRESOLVED, Satisfaction.UNSATISFIED)
    t["t9"] = receive(at(6, 30, 23, 59))
    t["t8"] = receive(at(5, 31, 23, 59))
    return June(t, west)
