"""The bearer token's lookup (accounts.token_lookup) reads what the ORM reads: the token, its user and
the user's department, every field with the ORM's types (SQLite's dates and booleans converted), or
nothing for an unknown hash; and it is what the API authenticates with."""

from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hotline.accounts.models import ApiToken, hash_token
from hotline.accounts.token_lookup import token_by_hash
from hotline.core import clock

pytestmark = pytest.mark.django_db


def _orm(key_hash: str) -> ApiToken:
    return ApiToken.objects.select_related("user", "user__department").get(key_hash=key_hash)


def _same(found: ApiToken, expected: ApiToken) -> None:
    def fields(instance) -> dict:
        return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}

    assert fields(found) == fields(expected)
    assert fields(found.user) == fields(expected.user)
    if expected.user.department is None:
        assert found.user.department is None
    else:
        assert fields(found.user.department) == fields(expected.user.department)
    for instance in (found, found.user):
        assert not instance._state.adding and instance._state.db == "default"


@pytest.mark.parametrize("role", ["water", "operator"])  # a handler of a department, and a user of none
def test_the_token_user_and_department_are_those_the_orm_reads(staff, role) -> None:
    token, raw = ApiToken.issue(staff[role], name="script")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    key_hash = hash_token(raw)
    with CaptureQueriesContext(connection) as queries:
        found = token_by_hash(key_hash)
    assert len(queries.captured_queries) == 1
    assert found is not None
    _same(found, _orm(key_hash))
    assert isinstance(found.revoked, bool) and isinstance(found.user.is_active, bool)
    assert isinstance(found.last_used_at, datetime) and found.last_used_at.tzinfo is not None
    # Read again, with the department: no query more.
    with CaptureQueriesContext(connection) as queries:
        assert found.user.department == staff[role].department
    assert queries.captured_queries == []


def test_an_unknown_hash_is_none_and_a_revoked_token_is_read_as_revoked(staff) -> None:
    assert token_by_hash(hash_token("hl_not-a-token")) is None
    token, raw = ApiToken.issue(staff["dispatcher"])
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    found = token_by_hash(hash_token(raw))
    assert found is not None and found.revoked is True


def test_the_api_authenticates_with_it(staff) -> None:
    token, raw = ApiToken.issue(staff["dispatcher"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/tickets").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert client.get("/api/v1/tickets").status_code == 401
