import pytest
from django.test import Client

from hotline.open311 import keys
from tests.factories import CategoryFactory


@pytest.fixture
def client() -> Client:
    # A real server answers an exception with a 500; the test client would re-raise it.
    return Client(raise_request_exception=False)


@pytest.fixture
def services(db):
    """A small tree: 城乡建设 / 市政设施 / 路灯 and 供水, and 环境保护 / 噪音 (one inactive leaf)."""
    city = CategoryFactory(code="01", name="城乡建设", level=1)
    works = CategoryFactory(code="0101", name="市政设施", level=2, parent=city)
    lights = CategoryFactory(code="010101", name="路灯", level=3, parent=works)
    water = CategoryFactory(code="010102", name="供水", level=3, parent=works)
    env = CategoryFactory(code="02", name="环境保护", level=1)
    noise = CategoryFactory(code="0201", name="噪音", level=2, parent=env)
    CategoryFactory(code="0202", name="旧分类", level=2, parent=env, is_active=False)
    return {"lights": lights, "water": water, "noise": noise, "works": works}


@pytest.fixture
def api_key(db) -> str:
    _key, raw = keys.issue("市民云 App")
    return raw


def form(api_key: str, service_code: str = "010101", **extra: str) -> dict[str, str]:
    """A request as a client posts it: the fields of the specification's example."""
    fields = {
        "api_key": api_key,
        "service_code": service_code,
        "lat": "39.9042",
        "long": "116.4074",
        "address_string": "和平街道幸福路12号",
        "description": "幸福路12号门口的路灯坏了一周，晚上很黑。",
        "attribute[kind]": "complaint",
    }
    fields.update(extra)
    return fields
