"""An API client that authenticates with a bearer token, as channels and scripts do."""

import json
from typing import Any

import pytest
from django.test import Client, TestCase

from hotline.accounts.models import ApiToken, User
from hotline.core.enums import Channel
from hotline.tickets.models import Ticket
from tests.factories import make_ticket

API = "/api/v1"


class ApiClient:
    """django.test.Client with `Authorization: Bearer <token>` for one user, and JSON bodies."""

    def __init__(self, user: User | None, raw_token: str | None = None) -> None:
        self.user = user
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(API + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, *, raw: str | bytes | None = None) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        # Each request commits as it ends; what runs on commit (routing a new ticket) runs then too,
        # although the test's own transaction wraps the request.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return self.client.post(API + path, data, content_type="application/json", headers=self.headers)

    def action(self, ticket: Ticket | int, name: str, body: Any = None) -> Any:
        ticket_id = ticket if isinstance(ticket, int) else ticket.pk
        return self.post(f"/tickets/{ticket_id}/actions/{name}", body)


@pytest.fixture
def api_as():
    """api_as(user) -> an ApiClient holding a fresh token of that user."""

    def make(user: User) -> ApiClient:
        _token, raw = ApiToken.issue(user, name="test")
        return ApiClient(user, raw)

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


@pytest.fixture
def ticket(staff) -> Ticket:
    """A new complaint received by the operator, with the citizen's phone 13812341234."""
    return make_ticket(actor=staff["operator"], external_id="call-1", channel=Channel.PHONE)


@pytest.fixture
def dispatched(ticket, staff, departments, api_as) -> Ticket:
    """The ticket dispatched to housing (lead) and water (co)."""
    response = api_as(staff["dispatcher"]).action(
        ticket,
        "dispatch",
        {"lead_department_id": departments["housing"].pk, "co_department_ids": [departments["water"].pk]},
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    return ticket
