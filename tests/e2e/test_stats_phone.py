"""The public statistics (/stats/) on a phone in Chromium: the categories' ring names its parts in a
legend, whole, rather than in labels cut to "市场..."; a table wider than the screen scrolls in its own
box, which the keyboard reaches (a stop of its own) and scrolls."""

import pytest

from hotline.core.enums import Channel
from hotline.intake.actions import AppealData, do_receive_appeal
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# The ring's options as ECharts drew them: whether its labels show, and whether a legend does.
RING = """() => {
  const chart = window.echarts.getInstanceByDom(document.getElementById("chart-shares"));
  const option = chart.getOption();
  const legend = option.legend.length ? option.legend[0].show !== false : false;
  return {labels: option.series[0].label.show, legend: legend};
}"""


@pytest.fixture
def city(staff) -> None:
    names = ["市场监管", "教育", "水务", "城乡建设"]
    for i, name in enumerate(names):
        category = CategoryFactory(code=f"{i + 1:02d}", name=name, level=1)
        for n in range(i + 1):
            do_receive_appeal(
                AppealData(
                    channel=Channel.PHONE,
                    title=f"{name}问题{n}",
                    content=f"关于{name}的问题{n}。",
                    citizen_name="张先生",
                    citizen_phone="13812341234",
                    category_id=category.pk,
                ),
                staff["operator"],
            )


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_the_ring_names_whole_and_the_tables_scroll_by_keyboard(
    page, live_server, city, size, screenshot
) -> None:
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/stats/")
    page.wait_for_selector("#chart-shares[data-rendered]")
    ring = page.evaluate(RING)
    if size == PHONE:
        assert ring == {"labels": False, "legend": True}
    else:
        assert ring == {"labels": True, "legend": False}
    # Each table box is a labelled stop of the keyboard.
    boxes = page.locator("div.table-scroll")
    assert boxes.count() == 2
    for i in range(2):
        box = boxes.nth(i)
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("role") == "region"
        heading = box.get_attribute("aria-labelledby")
        assert heading and page.locator(f"#{heading}").inner_text()
    page.locator("body").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('table-scroll')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == "months-heading"
    screenshot(f"stats-{size['width']}")
