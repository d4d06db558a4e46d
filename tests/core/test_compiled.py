"""A query compiled once (core.compiled) answers what the ORM answers, with the ORM's types, for any
values, in one statement; a queryset whose values the compiled SQL does not carry is asked through
the ORM instead."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.core.compiled import CompiledQuery
from hotline.core.enums import Channel
from hotline.intake.models import Appeal
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

COLUMNS = ("ticket_id", "received_at", "from_history", "latitude", "title")
DELIVERED = CompiledQuery(
    "test-delivered",
    2,
    lambda channel, external_id: (
        Appeal.objects.filter(channel=channel, external_id=external_id).order_by("pk").values_list(*COLUMNS)
    ),
)


def test_the_rows_are_the_orms_with_its_types(staff) -> None:
    for n in range(3):
        make_ticket(actor=staff["operator"], channel=Channel.PHONE, external_id=f"call-{n}")
    for external_id in ("call-0", "call-2", "call-9", "it's; DROP TABLE x"):
        expected = list(
            Appeal.objects.filter(channel="phone", external_id=external_id)
            .order_by("pk")
            .values_list(*COLUMNS)
        )
        with CaptureQueriesContext(connection) as queries:
            rows = DELIVERED.rows("default", "phone", external_id)
        assert rows == expected and len(queries.captured_queries) == 1
    (row,) = DELIVERED.rows("default", "phone", "call-1")
    assert isinstance(row[1], datetime) and row[1].tzinfo is not None and row[2] is False


def test_a_queryset_that_does_not_carry_its_values_is_asked_through_the_orm(staff) -> None:
    make_ticket(actor=staff["operator"], channel=Channel.PHONE, external_id="call-0")
    # The marker is not in the compiled parameters (the filter ignores it): nothing to substitute.
    constant = CompiledQuery(
        "test-constant", 1, lambda _ignored: Appeal.objects.filter(channel="phone").values_list("external_id")
    )
    assert constant.rows("default", "anything") == [("call-0",)]
