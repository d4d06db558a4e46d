"""A grid worker (网格员) of a community under the test city's street, signed in, and their report
posted as the patrol page posts it: shared by the tests of /grid/ (import the fixtures by name)."""

import uuid
from typing import Any

import pytest
from django.test import Client

from hotline.core.enums import Role
from tests.factories import DepartmentFactory, UserFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)


@pytest.fixture
def community(departments):
    return DepartmentFactory(
        code="D010101", name="幸福社区", level="community", parent=departments["street"], is_area=True
    )


@pytest.fixture
def grid_worker(community):
    return UserFactory(username="grid1", role=Role.GRID, department=community, first_name="王网格")


@pytest.fixture
def signed_in(client, grid_worker):
    client.force_login(grid_worker)
    return client


def grid_report(client: Client, **fields: Any) -> Any:
    """POST /grid/report/ with a manhole's title and words (and a fresh token), `fields` on top; a
    field given None is left out."""
    data = {
        "title": "人行道井盖破损",
        "content": "幸福路 12 号门前人行道井盖破损，已有行人绊倒。",
        "token": uuid.uuid4().hex,
        **fields,
    }
    return client.post("/grid/report/", {k: v for k, v in data.items() if v is not None})
