"""The reply templates a unit keeps (/reply-templates/): a unit head keeps their unit's, supervisors
and admins the city's; the placeholders are listed and previewed, and the replying unit's phone
({联系电话}) is filled from the directory when a handler applies a template."""

import pytest

from hotline.core.enums import Role, TicketStatus
from hotline.knowledge.models import ReplyTemplate
from hotline.knowledge.templates import PHONE_BLANK, fill
from tests.factories import CategoryFactory, UserFactory
from tests.tickets.conftest import Flow

pytestmark = pytest.mark.django_db
S = TicketStatus
TEXT = (
    "{诉求人}您好！您反映的“{诉求标题}”已收悉。经核查，【核查情况】。"
    "如有疑问，请致电{联系电话}。\n{承办单位}\n{今天}"
)


@pytest.fixture
def heads(departments):
    departments["housing"].phone = "0571-88880000"
    departments["housing"].save()
    return {
        "housing": UserFactory(username="head_housing", role=Role.HEAD, department=departments["housing"]),
        "water": UserFactory(username="head_water", role=Role.HEAD, department=departments["water"]),
    }


def _new(client, **fields):
    return client.post("/reply-templates/new/", {"name": "路灯维修答复", "text": TEXT, **fields})


def test_a_unit_head_keeps_their_units_templates(client, staff, departments, heads) -> None:
    client.force_login(heads["housing"])
    home = client.get("/").content.decode()
    assert 'href="/reply-templates/"' in home  # in the navigation
    form = client.get("/reply-templates/new/").content.decode()
    assert "{联系电话}" in form and "{诉求人}" in form  # the placeholders, listed
    assert "全市通用（所有单位）" not in form  # not for a head
    # Units by name, in their level's group, never by code (web.department_choices).
    housing = departments["housing"]
    assert f'<option value="{housing.pk}" selected>{housing.name}</option>' in form
    assert '<optgroup label="市级部门、公共企业">' in form and f"{housing.code} " not in form

    preview = client.post(
        "/reply-templates/new/",
        {"name": "x", "text": TEXT, "department_id": departments["housing"].pk, "preview": "1"},
    ).content.decode()
    assert (
        "请致电0571-88880000" in preview and "住建局" in preview and "承办人须填写：【核查情况】" in preview
    )
    assert not ReplyTemplate.objects.exists()  # a preview stores nothing

    response = _new(client, department_id=departments["housing"].pk)
    assert response.status_code == 302
    made = ReplyTemplate.objects.get()
    assert (made.department, made.category, made.is_active) == (departments["housing"], None, True)
    assert "路灯维修答复" in client.get("/reply-templates/").content.decode()

    # Not for every unit, nor for another unit.
    assert _new(client).status_code == 422
    refused = _new(client, department_id=departments["water"].pk)
    assert refused.status_code == 422
    assert ReplyTemplate.objects.count() == 1

    edited = client.post(
        f"/reply-templates/{made.pk}/",
        {"name": "路灯维修答复（新）", "text": TEXT, "department_id": departments["housing"].pk},
    )
    assert edited.status_code == 302
    made.refresh_from_db()
    assert made.name == "路灯维修答复（新）"
    assert client.post(f"/reply-templates/{made.pk}/retire/").status_code == 302
    made.refresh_from_db()
    assert not made.is_active
    assert "路灯维修答复" in client.get("/reply-templates/?retired=1").content.decode()


def test_others_cannot_keep_a_units_templates(client, staff, departments, heads) -> None:
    made = ReplyTemplate.objects.create(name="住建答复", department=departments["housing"], text="x")
    city = ReplyTemplate.objects.create(name="全市答复", text="y")
    # A head of another unit: not listed, not found, not changed.
    client.force_login(heads["water"])
    assert "住建答复" not in client.get("/reply-templates/").content.decode()
    assert client.get(f"/reply-templates/{made.pk}/").status_code == 404
    changed = client.post(
        f"/reply-templates/{made.pk}/", {"name": "改", "text": "z", "department_id": departments["water"].pk}
    )
    assert changed.status_code == 404
    assert client.post(f"/reply-templates/{made.pk}/retire/").status_code == 404
    # A head cannot touch the city's templates either.
    client.force_login(heads["housing"])
    assert client.get(f"/reply-templates/{city.pk}/").status_code == 404
    # A handler, even of the unit, and an operator: not their page at all.
    for who in ("housing", "water", "operator"):
        client.force_login(staff[who])
        assert client.get("/reply-templates/").status_code == 403
        assert client.post(f"/reply-templates/{made.pk}/", {"name": "改", "text": "z"}).status_code == 403
        assert 'href="/reply-templates/"' not in client.get("/").content.decode()
    made.refresh_from_db()
    assert (made.name, made.text, made.is_active) == ("住建答复", "x", True)


def test_a_supervisor_keeps_the_citys(client, staff, departments) -> None:
    category = CategoryFactory(name="市政设施")
    client.force_login(staff["supervisor"])
    assert _new(client, category_id=category.pk).status_code == 302
    made = ReplyTemplate.objects.get()
    assert (made.department, made.category) == (None, category)
    bad = _new(client, text="{诉求人}您好，{联系人}会联系您。")
    assert bad.status_code == 422 and "没有这样的占位符：{联系人}" in bad.content.decode()
    assert ReplyTemplate.objects.count() == 1


def test_the_phone_placeholder_is_filled_from_the_directory(client, staff, departments, heads) -> None:
    flow = Flow(staff, departments)
    ticket = flow.to(S.ACCEPTED)
    template = ReplyTemplate.objects.create(name="办结答复", text=TEXT)
    text = fill(template, ticket, departments["housing"])
    assert "请致电0571-88880000。" in text and "{" not in text
    # A unit with no phone in the directory: a blank the handler writes (and must, to send).
    assert f"请致电{PHONE_BLANK}。" in fill(template, ticket, departments["water"])
    client.force_login(staff["housing"])
    offered = client.get(f"/tickets/{ticket.number}/reply-templates/").content.decode()
    assert "请致电0571-88880000。" in offered
