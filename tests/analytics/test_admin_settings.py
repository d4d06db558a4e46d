"""The figures' and the warnings' settings as the admin takes them: weights that leave something to
weigh (four weights of 0 ranked nobody, without a word), and a warning threshold that applies to
the cell it names, with a factor above 0 (0 or less made every day of the cell warn)."""

import html

import pytest
from django.test import Client

from hotline.analytics.early_warning import cell_key
from hotline.analytics.models import FigureSettings, WarningThreshold
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def weights(**values: int) -> dict[str, object]:
    return {"on_time": 25, "handled": 25, "replied": 25, "satisfied": 25, "min_received": 10, **values}


def test_the_four_weights_cannot_all_be_zero(root) -> None:
    page = root.post(
        "/admin/analytics/figuresettings/add/", weights(on_time=0, handled=0, replied=0, satisfied=0)
    )

    assert "四项权重不能都为 0" in html.unescape(page.content.decode())
    assert not FigureSettings.objects.exists()
    assert root.post("/admin/analytics/figuresettings/add/", weights(on_time=0, handled=0)).status_code == 302
    assert FigureSettings.current().as_dict() == {"on_time": 0, "handled": 0, "replied": 25, "satisfied": 25}


def test_the_settings_row_is_changed_in_place(root) -> None:
    # The row's id was a field of the form: another id saved a second row, which nothing reads, and
    # left the one the figures read as it was.
    assert root.post("/admin/analytics/figuresettings/add/", weights()).status_code == 302

    assert 'name="id"' not in root.get("/admin/analytics/figuresettings/1/change/").content.decode()
    root.post("/admin/analytics/figuresettings/1/change/", {**weights(on_time=70), "id": 2})

    assert list(FigureSettings.objects.values_list("pk", "on_time")) == [(1, 70)]


@pytest.fixture
def cell(departments):
    return {"category": CategoryFactory(code="01", name="城乡建设", level=1), "area": departments["district"]}


def add_threshold(client: Client, category, area, factor: str) -> str:
    page = client.post(
        "/admin/analytics/warningthreshold/add/",
        {"category": category.pk if category else "", "area": area.pk if area else "", "factor": factor},
    )
    return html.unescape(page.content.decode()) if page.status_code == 200 else ""


@pytest.mark.parametrize("factor", ["0", "-1"])
def test_a_threshold_factor_is_above_zero(root, cell, factor) -> None:
    assert "阈值倍数须大于 0" in add_threshold(root, cell["category"], cell["area"], factor)
    assert not WarningThreshold.objects.exists()


def test_a_threshold_set_by_hand_is_the_one_of_its_cell(root, cell, departments) -> None:
    category, district = cell["category"], cell["area"]
    lower = CategoryFactory(code="0101", name="市政设施", level=2, parent=category)

    assert "须为一级分类" in add_threshold(root, lower, district, "2")
    assert "须为区县" in add_threshold(root, category, departments["street"], "2")
    assert add_threshold(root, category, district, "2") == ""
    assert add_threshold(root, None, None, "1.5") == ""

    factors = dict(WarningThreshold.objects.values_list("cell", "factor"))
    assert factors == {cell_key(category.pk, district.pk): 2.0, cell_key(None, None): 1.5}
