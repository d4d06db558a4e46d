"""Factories for the domain objects; tests build their data with these."""

import factory
from factory.django import DjangoModelFactory

from hotline.accounts.models import User
from hotline.analytics.models import EarlyWarning
from hotline.core import clock
from hotline.core.enums import Channel, DepartmentLevel, Kind, Role, WarningKind
from hotline.directory.models import Department
from hotline.intake.actions import AppealData, do_receive_appeal
from hotline.taxonomy.models import Category
from hotline.tickets.models import Ticket


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = DepartmentLevel.CITY


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"分类{n}")
    level = 1


class EarlyWarningFactory(DjangoModelFactory):
    """A spike as the worker raises it, by default in the city's "0:0" cell now; the tests give the
    kind, place, figures and evidence they read."""

    class Meta:
        model = EarlyWarning

    kind = WarningKind.SPIKE
    subject = factory.Sequence(lambda n: f"spike:test{n}")
    cell = "0:0"
    title = "未分类 · 全市：1 日内 9 件诉求，基线 1.5 件"
    raised_at = factory.LazyFunction(clock.now)
    last_seen_at = factory.SelfAttribute("raised_at")
    started_on = factory.LazyAttribute(lambda w: clock.localtime(w.raised_at).date())
    observed = 9
    expected = 1.5
    evidence = factory.Dict({})


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OPERATOR
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_ticket(
    *,
    actor: User | None = None,
    kind: str = Kind.COMPLAINT,
    title: str = "小区门口路灯不亮",
    content: str = "幸福路12号小区门口路灯坏了一周，晚上很黑，请尽快修理。",
    phone: str = "13812341234",
    external_id: str | None = None,
    channel: str = Channel.PHONE,
    citizen_name: str = "张先生",
    address: str = "幸福路12号",
) -> Ticket:
    """A new ticket received through the real intake action."""
    ticket, _created = do_receive_appeal(
        AppealData(
            channel=channel,
            title=title,
            content=content,
            citizen_name=citizen_name,
            citizen_phone=phone,
            address=address,
            kind=kind,
            external_id=external_id,
        ),
        actor,
    )
    return ticket
